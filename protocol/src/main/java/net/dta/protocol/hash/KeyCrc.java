package net.dta.protocol.hash;

import java.util.zip.CRC32;

/**
 * The CRC-32s a Key-Write read needs, computed from per-position tables instead of a CRC engine:
 * the same values as {@link CRC32} (protocol.md section 3 is unchanged), for the two fixed-length
 * inputs of the query hot path, the 16-byte key ({@code crc32(key)}, the key hash) and the
 * 20-byte tag input {@code rot(key, 1) || value} of a 4-byte value.
 *
 * <p>Why: CRC-32 is affine in its input, so for a message M of a fixed length L,
 * {@code crc32(M) = crc32(0^L) ^ XOR_i Z[L-1-i][M[i]]}, where {@code Z[k][b]} is the (zero-init)
 * CRC register after byte b followed by k zero bytes. The 16 (or 20) lookups are independent, so
 * the CPU runs them side by side; {@link CRC32#update} on 16 bytes walks them one after another
 * (about 40 ns a call here, docs/performance.md "Queries"). And the tag splits into a part that
 * depends on the key only ({@link #tagPrefix}, computed while the slot loads are in flight) and a
 * part that depends on the loaded value ({@link #tagOfValue}, four lookups).
 *
 * <p>Tables: 20 x 256 ints (20 KiB, L1-resident while gets run), built once. Stateless and thread-safe; no allocation.
 */
public final class KeyCrc {
    private static final int KEY = DtaHash.KEY_BYTES;
    private static final int TAG_INPUT = KEY + 4;
    /** {@code Z[k][b]} at {@code Z[k << 8 | b]} (one flat array: one load per lookup): the CRC register after byte b and k zero bytes, from a zero register. */
    private static final int[] Z = tables(TAG_INPUT);
    private static final int CRC_OF_16_ZEROS = crcOfZeros(KEY);
    private static final int CRC_OF_20_ZEROS = crcOfZeros(TAG_INPUT);

    private KeyCrc() {
    }

    /** {@code crc32(key)} of a 16-byte key (the caller checked the length). */
    public static int keyHash(byte[] key) {
        int[] z = Z;
        int c = CRC_OF_16_ZEROS;
        for (int i = 0; i < KEY; i++) {
            c ^= z[(KEY - 1 - i) << 8 | key[i] & 0xFF];
        }
        return c;
    }

    /**
     * The key's part of {@code crc32(rot(key, 1) || v)} for a 4-byte v: xor it with
     * {@link #tagOfValue} to get the CRC ({@link DtaHash#keyWriteTag} then sets the low bit).
     * In the 20-byte input, key byte i (i >= 1) sits at position i - 1 with 20 - i bytes after it,
     * key byte 0 at position 15 with 4 bytes after it.
     */
    public static int tagPrefix(byte[] key) {
        int[] z = Z;
        int c = CRC_OF_20_ZEROS ^ z[4 << 8 | key[0] & 0xFF];
        for (int i = 1; i < KEY; i++) {
            c ^= z[(TAG_INPUT - i) << 8 | key[i] & 0xFF];
        }
        return c;
    }

    /** The value's part of {@code crc32(rot(key, 1) || v)}: v's four bytes, big-endian, at the end of the input. */
    public static int tagOfValue(int value) {
        int[] z = Z;
        return z[3 << 8 | value >>> 24] ^ z[2 << 8 | (value >>> 16) & 0xFF] ^ z[1 << 8 | (value >>> 8) & 0xFF] ^ z[value & 0xFF];
    }

    /** The Key-Write tag of a 4-byte value: {@code tag(key, v)} of protocol.md section 3, never 0. */
    public static int keyWriteTag(byte[] key, int value) {
        return (tagPrefix(key) ^ tagOfValue(value)) | 1;
    }

    private static int[] tables(int positions) {
        int[] z = new int[positions << 8];
        for (int b = 0; b < 256; b++) {
            int c = b;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1; // the reflected CRC-32 polynomial of zlib
            }
            z[b] = c;
        }
        for (int k = 1; k < positions; k++) {
            for (int b = 0; b < 256; b++) {
                int c = z[(k - 1) << 8 | b];
                z[k << 8 | b] = (c >>> 8) ^ z[c & 0xFF]; // one more zero byte
            }
        }
        return z;
    }

    private static int crcOfZeros(int length) {
        CRC32 crc = new CRC32();
        crc.update(new byte[length]);
        return (int) crc.getValue();
    }
}
