package net.dta.protocol.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.KeyWriteLayout;

/**
 * Key-Write over a data area (protocol.md 4.2 and 6.1): where a key's replicas go, what a slot
 * holds, and the majority read. Thread-safe for reads.
 */
public final class KeyWriteStore {
    private final MemorySegment data;
    private final KeyWriteLayout layout;

    public KeyWriteStore(MemorySegment data, KeyWriteLayout layout) {
        if (data.byteSize() < layout.dataLength()) {
            throw new IllegalArgumentException("data area of " + data.byteSize() + " bytes, layout needs " + layout.dataLength());
        }
        this.data = data;
        this.layout = layout;
    }

    public KeyWriteLayout layout() {
        return layout;
    }

    /** Data offset of replica i of the key. */
    public static long slotOffset(DtaHash hash, KeyWriteLayout layout, byte[] key, int replica) {
        return layout.slotOffset(hash.index(key, replica, layout.log2Slots()));
    }

    /** Writes the slot bytes {@code tag(key, value) || value} at dst[dstOffset]. */
    public static void encodeSlot(DtaHash hash, byte[] key, byte[] value, int valueOffset, int valueLength,
                                  MemorySegment dst, long dstOffset) {
        Bytes.u32(dst, dstOffset, hash.keyWriteTag(key, value, valueOffset, valueLength) & 0xFFFF_FFFFL);
        MemorySegment.copy(value, valueOffset, dst, ValueLayout.JAVA_BYTE, dstOffset + 4, valueLength);
    }

    /**
     * Reads the key with N replicas into valueOut (length >= value bytes) and returns how many
     * slots agree on the answer, 0 when the key is absent. Allocation-free.
     */
    public int get(byte[] key, int redundancy, byte[] valueOut) {
        DtaHash hash = Hashes.get();
        int w = layout.slotBytes();
        int v = layout.valueBytes();
        byte[] scratch = Scratch.get(8 * v);
        int[] votes = Scratch.votes();
        int candidates = 0;
        for (int i = 0; i < redundancy; i++) {
            long off = slotOffset(hash, layout, key, i);
            int tag;
            if (w == 8) {
                long word = (long) Bytes.ALIGNED_U64_BE.varHandle().getAcquire(data, off);
                tag = (int) (word >>> 32);
                int value = (int) word;
                scratch[candidates * v] = (byte) (value >>> 24);
                scratch[candidates * v + 1] = (byte) (value >>> 16);
                scratch[candidates * v + 2] = (byte) (value >>> 8);
                scratch[candidates * v + 3] = (byte) value;
            } else {
                tag = data.get(Bytes.U32, off);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off + 4, scratch, candidates * v, v);
            }
            if (tag == 0 || tag != hash.keyWriteTag(key, scratch, candidates * v, v)) {
                continue;
            }
            int same = -1;
            for (int c = 0; c < candidates; c++) {
                if (Arrays.equals(scratch, c * v, c * v + v, scratch, candidates * v, candidates * v + v)) {
                    same = c;
                    break;
                }
            }
            if (same >= 0) {
                votes[same]++;
            } else {
                votes[candidates++] = 1;
            }
        }
        int best = -1;
        for (int c = 0; c < candidates; c++) {
            if (best < 0 || votes[c] > votes[best]) {
                best = c;
            }
        }
        if (best < 0) {
            return 0;
        }
        System.arraycopy(scratch, best * v, valueOut, 0, v);
        return votes[best];
    }

    /** Convenience read that allocates its answer. */
    public Result get(byte[] key, int redundancy) {
        byte[] value = new byte[layout.valueBytes()];
        int agree = get(key, redundancy, value);
        return new Result(agree == 0 ? null : value, agree, redundancy);
    }

    /** Reads with the store's default redundancy. */
    public Result get(byte[] key) {
        return get(key, layout.defaultRedundancy());
    }

    /**
     * @param value null when absent
     * @param agree slots holding the answer
     * @param redundancy slots examined
     */
    public record Result(byte[] value, int agree, int redundancy) {
        public boolean found() {
            return value != null;
        }
    }

    /** Number of non-empty slots (tag != 0), for fill statistics. Scans the whole store. */
    public long occupiedSlots() {
        long n = 0;
        for (long off = 0; off < layout.dataLength(); off += layout.slotBytes()) {
            if (data.get(Bytes.U32, off) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Per-thread scratch, sized for 8 candidates. */
    private static final class Scratch {
        private static final ThreadLocal<byte[]> BYTES = ThreadLocal.withInitial(() -> new byte[8 * 28]);
        private static final ThreadLocal<int[]> VOTES = ThreadLocal.withInitial(() -> new int[8]);

        static byte[] get(int length) {
            byte[] b = BYTES.get();
            return b.length >= length ? b : new byte[length];
        }

        static int[] votes() {
            return VOTES.get();
        }
    }
}
