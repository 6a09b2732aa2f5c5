package net.dta.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.KeyWriteLayout;

/** A batched Key-Write read answers exactly what one read per key answers, overwritten, torn and absent keys included. */
class KeyWriteBatchReadTest {
    @Test
    void aBatchedReadAnswersLikeOneReadPerKey() {
        DtaHash hash = new DtaHash();
        for (int redundancy : new int[] {1, 2, 3, 8}) {
            KeyWriteLayout layout = new KeyWriteLayout(10, 8, redundancy);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(layout.dataLength(), 8);
                KeyWriteStore store = new KeyWriteStore(data, layout);
                SplittableRandom random = new SplittableRandom(redundancy);
                byte[][] keys = new byte[600][16];
                for (int k = 0; k < keys.length; k++) {
                    random.nextBytes(keys[k]);
                    if (k < 500) { // the last 100 keys are never written; the load overwrites many of the others
                        byte[] value = {(byte) k, 0, (byte) (k >> 8), 7};
                        for (int i = 0; i < redundancy; i++) {
                            KeyWriteStore.encodeSlot(hash, keys[k], value, 0, 4, data, KeyWriteStore.slotOffset(hash, layout, keys[k], i));
                        }
                    }
                }
                // A slot whose value does not belong to its tag (a torn or foreign write) must not count.
                data.set(java.lang.foreign.ValueLayout.JAVA_INT, KeyWriteStore.slotOffset(hash, layout, keys[499], 0) + 4, 0x12345678);
                int[] values = new int[keys.length];
                int[] agree = new int[keys.length];
                store.getMany(keys, keys.length, redundancy, values, agree);
                byte[] one = new byte[4];
                int found = 0;
                for (int k = 0; k < keys.length; k++) {
                    int a = store.get(keys[k], redundancy, one);
                    assertEquals(a, agree[k], "key " + k + ", N " + redundancy);
                    if (a > 0) {
                        found++;
                        assertEquals(MemorySegment.ofArray(one).get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                                .withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0), values[k]);
                    }
                }
                assertEquals(true, found > 50 && found < 500, "some keys survive, some are overwritten: " + found);
            }
        }
    }
    /** Wider slots (12- and 28-byte values) are read back as written, and a slot of another key does not answer. */
    @Test
    void sixteenAndThirtyTwoByteSlotsReadBackTheirValues() {
        DtaHash hash = new DtaHash();
        for (int slotBytes : new int[] {16, 32}) {
            KeyWriteLayout layout = new KeyWriteLayout(12, slotBytes, 2);
            int v = layout.valueBytes();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(layout.dataLength(), 8);
                KeyWriteStore store = new KeyWriteStore(data, layout);
                SplittableRandom random = new SplittableRandom(slotBytes);
                byte[] key = new byte[16];
                byte[] value = new byte[v];
                random.nextBytes(key);
                random.nextBytes(value);
                for (int i = 0; i < 2; i++) {
                    KeyWriteStore.encodeSlot(hash, key, value, 0, v, data, KeyWriteStore.slotOffset(hash, layout, key, i));
                }
                byte[] out = new byte[v];
                assertEquals(2, store.get(key, 2, out), "both replicas agree, " + slotBytes + "-byte slots");
                assertEquals(java.util.HexFormat.of().formatHex(value), java.util.HexFormat.of().formatHex(out));
                byte[] other = key.clone();
                other[0] ^= 1;
                assertEquals(0, store.get(other, 2, out), "a key never written is absent");
            }
        }
    }
}
