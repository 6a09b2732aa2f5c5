package net.dta.protocol.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import net.dta.protocol.layout.KeyWriteLayout;

/**
 * The order of the checks as protocol.md 2.5 states it (issue 13 item 14): the code and the text
 * agree. Reports name store 1, a Key-Write store with 4-byte values, unless a test says otherwise.
 */
class CheckOrderTest {
    private static final KeyWriteLayout KEY_WRITE_4 = new KeyWriteLayout(10, 8, 2);

    private static DropReason check(int... bytes) {
        return check(KEY_WRITE_4, bytes);
    }

    private static DropReason check(KeyWriteLayout store, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        Report r = new Report().wrap(MemorySegment.ofArray(b), 0, b.length);
        DropReason header = r.checkHeader();
        return header != DropReason.NONE ? header : StoreChecks.check(r, store);
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

    @Test
    void theStoreChecksComeBeforeThePrimitivesOwn() {
        // Step 4 before step 5: a value length no store has is unknown_store when the store is
        // unknown (the classic baseline said bad_value_length, issue 14 item 1).
        assertEquals(DropReason.UNKNOWN_STORE, check(null, keyWrite(5, 29)));
        assertEquals(DropReason.BAD_VALUE_LENGTH, check(KeyWriteLayout.forValueBytes(10, 12, 2), keyWrite(4, 28)),
                "a valid value length, but not the store's");
    }
}
