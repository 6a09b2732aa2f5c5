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
        if (layout.slotBytes() == 8) {
            return get8(hash, key, redundancy, valueOut);
        }
        int v = layout.valueBytes();
        byte[] scratch = Scratch.get(8 * v);
        int[] votes = Scratch.votes();
        int candidates = 0;
        int keyHash = hash.keyHash(key);
        for (int i = 0; i < redundancy; i++) {
            long off = layout.slotOffset(DtaHash.index(keyHash, i, layout.log2Slots()));
            // 16- and 32-byte slots (8-byte slots took get8 above): tag, then the value.
            int tag = data.get(Bytes.U32, off);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off + 4, scratch, candidates * v, v);
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
        int best = majority(votes, candidates);
        if (best < 0) {
            return 0;
        }
        System.arraycopy(scratch, best * v, valueOut, 0, v);
        return votes[best];
    }

    /**
     * {@link #get} for 8-byte slots, where a slot is one aligned word: every replica's address is
     * computed first and then every word loaded, so that the N cache misses of a large store
     * overlap; a value's expected tag is computed once for all the slots holding it.
     */
    private int get8(DtaHash hash, byte[] key, int redundancy, byte[] valueOut) {
        long[] words = Scratch.words(redundancy);
        addresses(hash, key, redundancy, words, 0);
        load(words, redundancy);
        long answer = decide8(hash, key, words, 0, redundancy);
        int agree = (int) (answer >>> 32);
        if (agree > 0) {
            int v = (int) answer;
            valueOut[0] = (byte) (v >>> 24);
            valueOut[1] = (byte) (v >>> 16);
            valueOut[2] = (byte) (v >>> 8);
            valueOut[3] = (byte) v;
        }
        return agree;
    }

    /**
     * Reads {@code count} keys with one pass of address computation and one pass of loads over all
     * of them, so that the memory accesses of different keys overlap too (a large store is a cache
     * and TLB miss per slot). Stores of 8-byte slots only (4-byte values). For key {@code k}:
     * {@code agree[k]} slots agree (0: absent) on the value {@code values[k]}, as {@link #get} answers.
     */
    public void getMany(byte[][] keys, int count, int redundancy, int[] values, int[] agree) {
        if (layout.slotBytes() != 8) {
            throw new IllegalArgumentException("batched reads are for stores of 8-byte slots; this one has " + layout.slotBytes());
        }
        DtaHash hash = Hashes.get();
        long[] words = Scratch.words(count * redundancy);
        for (int k = 0; k < count; k++) {
            addresses(hash, keys[k], redundancy, words, k * redundancy);
        }
        load(words, count * redundancy);
        for (int k = 0; k < count; k++) {
            long answer = decide8(hash, keys[k], words, k * redundancy, redundancy);
            agree[k] = (int) (answer >>> 32);
            values[k] = agree[k] == 0 ? 0 : (int) answer;
        }
    }

    private void addresses(DtaHash hash, byte[] key, int redundancy, long[] words, int base) {
        int keyHash = hash.keyHash(key);
        for (int i = 0; i < redundancy; i++) {
            words[base + i] = layout.slotOffset(DtaHash.index(keyHash, i, layout.log2Slots()));
        }
    }

    /** Replaces each offset by the word there (independent loads: the CPU overlaps their misses). */
    private void load(long[] words, int n) {
        for (int i = 0; i < n; i++) {
            words[i] = (long) Bytes.ALIGNED_U64_BE.varHandle().getAcquire(data, words[i]);
        }
    }

    /** The majority read of protocol.md 4.2 over a key's N slot words: agreeing slots in the high half, the value in the low half. */
    private static long decide8(DtaHash hash, byte[] key, long[] words, int base, int redundancy) {
        int[] values = Scratch.values();
        int[] votes = Scratch.votes();
        byte[] valueBytes = Scratch.get(4);
        int candidates = 0;
        boolean tagKnown = false;
        int taggedValue = 0;
        int expectedTag = 0;
        for (int i = base; i < base + redundancy; i++) {
            int tag = (int) (words[i] >>> 32);
            int value = (int) words[i];
            if (tag == 0) {
                continue;
            }
            if (!tagKnown || value != taggedValue) {
                valueBytes[0] = (byte) (value >>> 24);
                valueBytes[1] = (byte) (value >>> 16);
                valueBytes[2] = (byte) (value >>> 8);
                valueBytes[3] = (byte) value;
                expectedTag = hash.keyWriteTag(key, valueBytes, 0, 4);
                taggedValue = value;
                tagKnown = true;
            }
            if (tag != expectedTag) {
                continue;
            }
            int c = 0;
            while (c < candidates && values[c] != value) {
                c++;
            }
            if (c < candidates) {
                votes[c]++;
            } else {
                values[candidates] = value;
                votes[candidates++] = 1;
            }
        }
        int best = majority(votes, candidates);
        return best < 0 ? 0 : ((long) votes[best] << 32) | (values[best] & 0xFFFF_FFFFL);
    }

    /** The candidate held by the most slots; ties go to the one met first (lowest replica). -1 for none. */
    private static int majority(int[] votes, int candidates) {
        int best = -1;
        for (int c = 0; c < candidates; c++) {
            if (best < 0 || votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
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
        private static final ThreadLocal<int[]> VALUES = ThreadLocal.withInitial(() -> new int[8]);
        private static final ThreadLocal<long[][]> WORDS = ThreadLocal.withInitial(() -> new long[][] {new long[64]});

        static byte[] get(int length) {
            byte[] b = BYTES.get();
            return b.length >= length ? b : new byte[length];
        }

        static int[] votes() {
            return VOTES.get();
        }

        static int[] values() {
            return VALUES.get();
        }

        /** At least n words, grown (and kept) as batches need. */
        static long[] words(int n) {
            long[][] holder = WORDS.get();
            if (holder[0].length < n) {
                holder[0] = new long[Math.max(n, 2 * holder[0].length)];
            }
            return holder[0];
        }
    }
}
