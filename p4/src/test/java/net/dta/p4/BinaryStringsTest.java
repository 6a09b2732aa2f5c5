package net.dta.p4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class BinaryStringsTest {
    private static ByteString bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return ByteString.copyFrom(out);
    }

    @Test
    void shouldPadToTheFieldWidthAndRefuseValuesThatDoNotFit() {
        assertEquals(bytes(0, 0, 1, 3), BinaryStrings.padded(0x103, 32, "x"));
        assertEquals(bytes(1, 0), BinaryStrings.padded(256, 9, "port"));
        assertEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), BinaryStrings.padded(-1L, 64, "va"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryStrings.padded(256, 8, "t.collector"));
        assertEquals("t.collector: 256 does not fit in 8 bits", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BinaryStrings.padded(-1, 32, "negative"));
    }

    @Test
    void shouldWriteTheCanonicalFormWithoutLeadingZeroBytes() {
        assertEquals(bytes(0), BinaryStrings.canonical(0));
        assertEquals(bytes(1, 3), BinaryStrings.canonical(0x103));
        assertEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF), BinaryStrings.canonical(0xFFFF_FFFFL));
        assertEquals(8, BinaryStrings.canonical(-1L).size());
    }

    @Test
    void shouldReadPaddedAndCanonicalFormsAsTheSameValue() {
        assertEquals(0x103, BinaryStrings.decode(bytes(0, 0, 1, 3)));
        assertEquals(0x103, BinaryStrings.decode(bytes(1, 3)));
        assertEquals(-1L, BinaryStrings.decode(BinaryStrings.padded(-1L, 64, "va")));
        assertEquals(BinaryStrings.number(bytes(0, 0, 1, 3)), BinaryStrings.number(bytes(1, 3)));
        assertEquals(0x103, BinaryStrings.decode(bytes(0, 0, 0, 0, 0, 0, 0, 0, 1, 3), 9, "padded beyond 8 bytes"));
    }

    @Test
    void shouldRefuseAClientValueThatIsEmptyOrWiderThanItsField() {
        assertEquals(255, BinaryStrings.decode(bytes(0, 0xFF), 8, "f"));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> BinaryStrings.decode(bytes(1, 0), 8, "f"));
        assertEquals("f: the value 0x0100 does not fit in 8 bits", wide.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> BinaryStrings.decode(ByteString.EMPTY, 8, "f"));
        assertTrue(empty.getMessage().startsWith("f: an empty value"), empty.getMessage());
    }
}
