package net.dta.protocol.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/** The table-driven CRCs of {@link KeyCrc} against the JDK's CRC-32 engine, input by input. */
class KeyCrcTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(16);

    @Test
    void keyHashIsTheCrc32OfTheKey() {
        for (byte[] key : keys()) {
            assertEquals(crc32(key), KeyCrc.keyHash(key), () -> "key " + java.util.HexFormat.of().formatHex(key));
        }
    }

    @Test
    void keyWriteTagIsTheCrc32OfTheKeyRotatedByOneThenTheValueWithTheLowBitSet() {
        for (byte[] key : keys()) {
            for (int value : new int[] {0, 1, -1, 0x80000000, 0x7FFFFFFF, 0x01020304, RANDOM.nextInt(), RANDOM.nextInt()}) {
                byte[] input = new byte[20];
                System.arraycopy(key, 1, input, 0, 15);
                input[15] = key[0];
                input[16] = (byte) (value >>> 24);
                input[17] = (byte) (value >>> 16);
                input[18] = (byte) (value >>> 8);
                input[19] = (byte) value;
                int expected = crc32(input) | 1;
                assertEquals(expected, KeyCrc.keyWriteTag(key, value), () -> "key " + java.util.HexFormat.of().formatHex(key) + " value " + value);
                assertEquals(expected, (KeyCrc.tagPrefix(key) ^ KeyCrc.tagOfValue(value)) | 1);
            }
        }
    }

    @Test
    void dtaHashAnswersAsItsGeneralCrcPathDoes() {
        DtaHash hash = new DtaHash();
        byte[] value = new byte[4];
        for (byte[] key : keys()) {
            RANDOM.nextBytes(value);
            assertEquals(hash.h(0, key), hash.keyHash(key));
            assertEquals(hash.h(DtaHash.TAG_ROTATION, key, value, 0, 4) | 1, hash.keyWriteTag(key, value, 0, 4));
        }
    }

    /** Keys that exercise every byte position: zeros, ones, single bits at each position, random. */
    private static byte[][] keys() {
        byte[][] keys = new byte[2 + 128 + 1000][];
        keys[0] = new byte[16];
        keys[1] = new byte[16];
        java.util.Arrays.fill(keys[1], (byte) 0xFF);
        for (int bit = 0; bit < 128; bit++) {
            keys[2 + bit] = new byte[16];
            keys[2 + bit][bit / 8] = (byte) (1 << (bit % 8));
        }
        for (int i = 130; i < keys.length; i++) {
            keys[i] = new byte[16];
            RANDOM.nextBytes(keys[i]);
        }
        return keys;
    }

    private static int crc32(byte[] input) {
        CRC32 crc = new CRC32();
        crc.update(input);
        return (int) crc.getValue();
    }
}
