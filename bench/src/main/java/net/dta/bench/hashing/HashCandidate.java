package net.dta.bench.hashing;

import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import net.dta.protocol.hash.DtaHash;

/**
 * The index hash families the measurement suite compares (docs/hashing.md): the current one
 * (store format 2, {@link DtaHash}) and the candidates issue 17 asked to evaluate. Each computes
 * the slot of replicas 0..n-1 of a key in a table of 2^log2 entries. Not thread-safe.
 */
public enum HashCandidate {
    /** Store format 1: CRC-32 of the key rotated by 2i bytes. */
    FORMAT1_ROTATIONS("crc32 of rot(key, 2i) (format 1)") {
        @Override
        void indices(byte[] key, int n, int log2, int[] out) {
            for (int i = 0; i < n; i++) {
                out[i] = hash.h(2 * i, key) & mask(log2);
            }
        }
    },
    /** One CRC-32 polynomial per replica. */
    POLYNOMIALS("a different CRC-32 polynomial per replica") {
        @Override
        void indices(byte[] key, int n, int log2, int[] out) {
            for (int i = 0; i < n; i++) {
                out[i] = POLYS[i].crc(key) & mask(log2);
            }
        }
    },
    /** A replica byte prefixed to the key before the CRC. */
    SALTED_CRC("crc32 of the byte i, then the key") {
        @Override
        void indices(byte[] key, int n, int log2, int[] out) {
            System.arraycopy(key, 0, salted, 1, DtaHash.KEY_BYTES);
            for (int i = 0; i < n; i++) {
                salted[0] = (byte) i;
                crc.reset();
                crc.update(salted);
                out[i] = (int) crc.getValue() & mask(log2);
            }
        }
    },
    /** Kirsch-Mitzenmacher double hashing over two CRCs (IEEE and Castagnoli). */
    KIRSCH_MITZENMACHER("crc32(key) + i * crc32c(key), odd (Kirsch-Mitzenmacher)") {
        @Override
        void indices(byte[] key, int n, int log2, int[] out) {
            crc.reset();
            crc.update(key);
            int h1 = (int) crc.getValue();
            crcC.reset();
            crcC.update(key);
            int h2 = (int) crcC.getValue() | 1;
            for (int i = 0; i < n; i++) {
                out[i] = (h1 + i * h2) & mask(log2);
            }
        }
    },
    /** Store format 2 (protocol.md 3): crc32(key), salted per replica, through the shift-add mix. */
    FORMAT2_CRC_MIX("mix(crc32(key) ^ salt(i)) (format 2)") {
        @Override
        void indices(byte[] key, int n, int log2, int[] out) {
            int keyHash = hash.keyHash(key);
            for (int i = 0; i < n; i++) {
                out[i] = DtaHash.index(keyHash, i, log2);
            }
        }
    };

    /** Eight CRC-32 polynomials (reflected form): IEEE, Castagnoli, Koopman, CRC-32Q, and four more of degree 32. */
    private static final TableCrc32[] POLYS = {
        new TableCrc32(0xEDB88320), new TableCrc32(0x82F63B78), new TableCrc32(0xEB31D82E), new TableCrc32(0xD5828281),
        new TableCrc32(0x992C1A4C), new TableCrc32(0xC8DF352F), new TableCrc32(0xD419CC15), new TableCrc32(0xA833982B),
    };

    private final String description;
    final DtaHash hash = new DtaHash();
    final CRC32 crc = new CRC32();
    final CRC32C crcC = new CRC32C();
    final byte[] salted = new byte[DtaHash.KEY_BYTES + 1];

    HashCandidate(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Slots of replicas 0..n-1 of {@code key} into {@code out[0..n-1]}. */
    abstract void indices(byte[] key, int n, int log2, int[] out);

    static int mask(int log2) {
        return (int) ((1L << log2) - 1);
    }

    /** A reflected, table-driven CRC-32 with init and final XOR 0xFFFFFFFF and any polynomial. */
    static final class TableCrc32 {
        private final int[] table = new int[256];

        TableCrc32(int reflectedPoly) {
            for (int b = 0; b < 256; b++) {
                int c = b;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
                }
                table[b] = c;
            }
        }

        int crc(byte[] data) {
            int c = 0xFFFF_FFFF;
            for (byte d : data) {
                c = table[(c ^ d) & 0xFF] ^ (c >>> 8);
            }
            return ~c;
        }
    }
}
