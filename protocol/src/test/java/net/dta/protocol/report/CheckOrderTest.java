package net.dta.protocol.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

/** The order of the structural checks as protocol.md 2.5 states it (issue 13 item 14): the code and the text agree. */
class CheckOrderTest {
    private static DropReason check(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new Report().wrap(MemorySegment.ofArray(b), 0, b.length).checkStructure();
    }

    private static int[] keyWrite(int valueLength, int totalLength) {
        int[] r = new int[totalLength];
        r[0] = 1;
        r[1] = 1;
        r[3] = 1;
        r[4] = 1;
        r[5] = valueLength;
        return r;
    }

    @Test
    void aDatagramShorterThanTheBaseHeaderIsTruncatedWhateverItsVersion() {
        assertEquals(DropReason.TRUNCATED, check(9, 1, 0));
    }

    @Test
    void versionThenOpcodeComeBeforeThePrimitivesLength() {
        assertEquals(DropReason.BAD_VERSION, check(2, 1, 0, 1));
        assertEquals(DropReason.BAD_VERSION, check(2, 9, 0, 1));
        assertEquals(DropReason.UNKNOWN_OPCODE, check(1, 9, 0, 1));
        assertEquals(DropReason.TRUNCATED, check(1, 2, 0, 1));
    }

    @Test
    void thePrimitivesLengthIsTakenFromTheFieldsAsSentEvenInvalidOnes() {
        assertEquals(DropReason.TRUNCATED, check(1, 1, 0, 1, 1), "too short to hold the value length");
        assertEquals(DropReason.BAD_VALUE_LENGTH, check(keyWrite(5, 29)), "value length 5: 29 bytes suffice, then the length is bad");
        assertEquals(DropReason.TRUNCATED, check(keyWrite(200, 29)), "value length 200 needs 224 bytes");
        assertEquals(DropReason.NONE, check(keyWrite(4, 28)));
    }
}
