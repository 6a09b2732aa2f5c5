package net.dta.protocol.hash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/**
 * The hash family of protocol.md section 3: CRC-32 (IEEE) over byte rotations of the 16-byte key.
 *
 * <p>CRC-32 is linear, so prefixing the key with a replica number would only add a constant and
 * keys colliding in one slot would collide in every slot; rotating the key changes the linear map
 * itself. Rotations 0, 2, .., 14 give replica indices, 1 gives tags, 3 gives buckets.
 *
 * <p>Not thread-safe: one instance per thread (it owns a CRC engine and a scratch key). No
 * allocation per call.
 */
public final class DtaHash {
    public static final int KEY_BYTES = 16;
    public static final int MAX_REPLICAS = 8;
    public static final int TAG_ROTATION = 1;
    public static final int BUCKET_ROTATION = 3;

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

    /** {@code index(key, i, log2)}: the slot, row or column of replica i in a table of 2^log2 entries. */
    public int index(byte[] key, int replica, int log2) {
        return h(2 * replica, key) & (int) ((1L << log2) - 1);
    }

    /** {@code tag(key, suffix)}: never 0 (low bit forced to 1). */
    public int tag(byte[] key, byte[] suffix, int offset, int length) {
        return h(TAG_ROTATION, key, suffix, offset, length) | 1;
    }

    /** The Key-Write slot tag of a value. */
    public int keyWriteTag(byte[] key, byte[] value, int offset, int length) {
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

    /** {@code bucket(key)}: 0..255, the key-to-collector bucket (protocol.md section 8). */
    public int bucket(byte[] key) {
        return h(BUCKET_ROTATION, key) & 0xFF;
    }

    /** Copies a 16-byte key out of a segment into this instance's scratch array and returns it. */
    public byte[] key(MemorySegment segment, long offset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratchKey, 0, KEY_BYTES);
        return scratchKey;
    }

    /** Puts {@code rot(key, rotation)} at the start of {@link #input}. */
    private void rotate(int rotation, byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("DTA keys are 16 bytes, got " + key.length);
        }
        int r = rotation & (KEY_BYTES - 1);
        System.arraycopy(key, r, input, 0, KEY_BYTES - r);
        System.arraycopy(key, 0, input, KEY_BYTES - r, r);
    }
}
