package net.dta.protocol.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import net.dta.protocol.Bytes;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.hash.KeyCrc;
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
        if (layout.slotBytes() == 8) {
            return get8(key, redundancy, valueOut);
        }
        DtaHash hash = Hashes.get();
        int v = layout.valueBytes();
        Scratch s = Scratch.get();
        byte[] scratch = s.bytes;
        int[] votes = s.votes;
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
     * overlap; the key's part of the tag is computed after the loads are issued (it needs no slot:
     * the CPU does it while the misses are outstanding) and a value's expected tag once for all
     * the slots holding it. Hashes from {@link KeyCrc}'s tables; one thread-local lookup per get.
     */
    private int get8(byte[] key, int redundancy, byte[] valueOut) {
        Keys.check(key);
        Scratch s = Scratch.get();
        long[] words = s.words(redundancy);
        addresses(key, redundancy, words, 0);
        load(words, redundancy);
        long answer = decide8(KeyCrc.tagPrefix(key), words, 0, redundancy, s);
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
        for (int k = 0; k < count; k++) {
            Keys.check(keys[k]);
        }
        Scratch s = Scratch.get();
        long[] words = s.words(count * redundancy);
        for (int k = 0; k < count; k++) {
            addresses(keys[k], redundancy, words, k * redundancy);
        }
        load(words, count * redundancy);
        for (int k = 0; k < count; k++) {
            long answer = decide8(KeyCrc.tagPrefix(keys[k]), words, k * redundancy, redundancy, s);
            agree[k] = (int) (answer >>> 32);
            values[k] = agree[k] == 0 ? 0 : (int) answer;
        }
    }

    private void addresses(byte[] key, int redundancy, long[] words, int base) {
        int keyHash = KeyCrc.keyHash(key);
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
    private static long decide8(int tagPrefix, long[] words, int base, int redundancy, Scratch s) {
        int[] values = s.values;
        int[] votes = s.votes;
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
                expectedTag = (tagPrefix ^ KeyCrc.tagOfValue(value)) | 1; // = DtaHash.keyWriteTag(key, value)
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

    /** Per-thread scratch, sized for 8 candidates: one thread-local lookup per read (each costs a few ns). */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        final byte[] bytes = new byte[8 * 28];
        final int[] votes = new int[8];
        final int[] values = new int[8];
        private long[] words = new long[64];

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** At least n words, grown (and kept) as batches need. */
        long[] words(int n) {
            if (words.length < n) {
                words = new long[Math.max(n, 2 * words.length)];
            }
            return words;
        }
    }
}
