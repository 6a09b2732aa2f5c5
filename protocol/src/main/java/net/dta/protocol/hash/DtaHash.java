package net.dta.protocol.hash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/**
 * The hash family of protocol.md section 3 (store format 2). Slot, row and column indices and the
 * bucket come from one CRC-32 of the key, the <em>key hash</em>, xor-ed with a per-use salt and put
 * through a non-linear shift-add mix; tags are CRC-32 of the key rotated by one byte plus a suffix.
 *
 * <p>Why the mix: CRC-32 is linear over GF(2), so for keys that differ in a few bits (counters,
 * ports, one subnet) the slot bits are a linear image of those bits and the keys spread "too
 * evenly" below load 1 and collapse above it; different polynomials or rotations per replica are
 * still linear. The additions' carries make the map non-linear; docs/hashing.md has the
 * measurements. Tags stay pure CRC: they only need to differ for different keys, which a CRC
 * guarantees for small differences.
 *
 * <p>Not thread-safe: one instance per thread (it owns a CRC engine and a scratch key). No
 * allocation per call.
 */
public final class DtaHash {
    public static final int KEY_BYTES = 16;
    public static final int MAX_REPLICAS = 8;
    public static final int TAG_ROTATION = 1;
    /** The salt of the bucket: salt(8), after the eight replicas' salt(0..7). */
    public static final int BUCKET_SALT_INDEX = MAX_REPLICAS;
    /** salt(j) = (j + 1) * 0x9E3779B9 mod 2^32 (the 32-bit golden ratio: well-spread salts). */
    private static final int SALT_STEP = 0x9E3779B9;

    private final CRC32 crc = new CRC32();
    private final byte[] scratchKey = new byte[KEY_BYTES];
    private final byte[] suffix5 = new byte[5];
    /** The rotated key followed by a suffix: one CRC update per hash (each update has a fixed cost). */
    private final byte[] input = new byte[KEY_BYTES + MAX_SUFFIX];
    private static final int MAX_SUFFIX = 32;

    /** {@code H(r, key)}: crc32 of the key rotated left by r bytes. */
    public int h(int rotation, byte[] key) {
        rotate(rotation, key);
        crc.reset();
        crc.update(input, 0, KEY_BYTES);
        return (int) crc.getValue();
    }

    /** {@code H(r, key, suffix)}. */
    public int h(int rotation, byte[] key, byte[] suffix, int offset, int length) {
        rotate(rotation, key);
        crc.reset();
        if (length <= MAX_SUFFIX) {
            System.arraycopy(suffix, offset, input, KEY_BYTES, length);
            crc.update(input, 0, KEY_BYTES + length);
        } else {
            crc.update(input, 0, KEY_BYTES);
            crc.update(suffix, offset, length);
        }
        return (int) crc.getValue();
    }

    /** {@code crc32(key)}: the key hash every index and the bucket derive from (compute it once per key). */
    public int keyHash(byte[] key) {
        checkLength(key);
        return KeyCrc.keyHash(key); // = h(0, key), from tables (KeyCrc says why)
    }

    /** {@code salt(j)}. */
    public static int salt(int j) {
        return (j + 1) * SALT_STEP;
    }

    /** {@code mix(x)}: the shift-add mix of protocol.md 3 (additions mod 2^32, logical right shifts). */
    public static int mix(int x) {
        x += x << 10;
        x ^= x >>> 6;
        x += x << 3;
        x ^= x >>> 11;
        x += x << 15;
        return x;
    }

    /** {@code index(key, i, log2)} from the key hash: the slot, row or column of replica i in a table of 2^log2 entries. */
    public static int index(int keyHash, int replica, int log2) {
        return mix(keyHash ^ salt(replica)) & (int) ((1L << log2) - 1);
    }

    /** {@code index(key, i, log2)}; callers that need several replicas compute {@link #keyHash} once. */
    public int index(byte[] key, int replica, int log2) {
        return index(keyHash(key), replica, log2);
    }

    /** {@code tag(key, suffix)}: never 0 (low bit forced to 1). */
    public int tag(byte[] key, byte[] suffix, int offset, int length) {
        return h(TAG_ROTATION, key, suffix, offset, length) | 1;
    }

    /** The Key-Write slot tag of a value. */
    public int keyWriteTag(byte[] key, byte[] value, int offset, int length) {
        if (length == 4) {
            checkLength(key);
            return KeyCrc.keyWriteTag(key, (value[offset] & 0xFF) << 24 | (value[offset + 1] & 0xFF) << 16
                    | (value[offset + 2] & 0xFF) << 8 | value[offset + 3] & 0xFF);
        }
        return tag(key, value, offset, length);
    }

    /** The postcard check of hop h with value v: {@code tag(key, u8 h || u32 v)}. */
    public int postcardCheck(byte[] key, int hop, int value) {
        suffix5[0] = (byte) hop;
        suffix5[1] = (byte) (value >>> 24);
        suffix5[2] = (byte) (value >>> 16);
        suffix5[3] = (byte) (value >>> 8);
        suffix5[4] = (byte) value;
        return tag(key, suffix5, 0, 5);
    }

    /** {@code bucket(key)} from the key hash: 0..255, the key-to-collector bucket (protocol.md section 8). */
    public static int bucket(int keyHash) {
        return mix(keyHash ^ salt(BUCKET_SALT_INDEX)) & 0xFF;
    }

    /** {@code bucket(key)}. */
    public int bucket(byte[] key) {
        return bucket(keyHash(key));
    }

    /** Copies a 16-byte key out of a segment into this instance's scratch array and returns it. */
    public byte[] key(MemorySegment segment, long offset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratchKey, 0, KEY_BYTES);
        return scratchKey;
    }

    private static void checkLength(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("DTA keys are 16 bytes, got " + key.length);
        }
    }

    /** Puts {@code rot(key, rotation)} at the start of {@link #input}. */
    private void rotate(int rotation, byte[] key) {
        checkLength(key);
        int r = rotation & (KEY_BYTES - 1);
        System.arraycopy(key, r, input, 0, KEY_BYTES - r);
        System.arraycopy(key, 0, input, KEY_BYTES - r, r);
    }
}
