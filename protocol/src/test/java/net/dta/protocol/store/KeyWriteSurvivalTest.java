package net.dta.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.KeyWriteLayout;

/**
 * The brief's curve: a key stays readable after k later writes into S slots with probability
 * about 1 - (1 - e^(-Nk/S))^N. If the replica hashes were correlated (as prefix-salted CRC-32
 * would be) the measured fraction for N >= 2 would fall far below it.
 */
class KeyWriteSurvivalTest {
    @ParameterizedTest(name = "N={0}, k/S={1}")
    @CsvSource({"1, 0.5", "2, 0.5", "2, 1.0", "4, 0.5", "4, 1.0", "8, 0.25"})
    void survivalFollowsTheFormulaForRandomKeys(int n, double load) {
        int log2Slots = 14;
        KeyWriteLayout layout = new KeyWriteLayout(log2Slots, 8, n);
        MemorySegment data = Arena.ofAuto().allocate(layout.dataLength(), 8);
        DtaHash hash = new DtaHash();
        SplittableRandom random = new SplittableRandom(42L * n + (long) (load * 100));
        int targets = 4000;
        byte[][] keys = new byte[targets][16];
        byte[] value = {0, 0, 0, 7};
        for (byte[] key : keys) {
            fill(random, key);
            write(hash, layout, data, key, value, n);
        }
        long later = (long) (load * layout.slots());
        byte[] other = new byte[16];
        byte[] otherValue = new byte[4];
        for (long i = 0; i < later; i++) {
            fill(random, other);
            fill(random, otherValue);
            write(hash, layout, data, other, otherValue, n);
        }
        KeyWriteStore store = new KeyWriteStore(data, layout);
        int readable = 0;
        for (byte[] key : keys) {
            if (store.get(key, n).found()) {
                readable++;
            }
        }
        // Targets were written before the k later keys, and also overwrite each other: count them in k.
        double k = later + targets / 2.0;
        double expected = 1 - Math.pow(1 - Math.exp(-n * k / layout.slots()), n);
        assertEquals(expected, readable / (double) targets, 0.035,
                "readable fraction for N=" + n + " after k=" + (long) k + " writes into " + layout.slots() + " slots");
    }

    private static void write(DtaHash hash, KeyWriteLayout layout, MemorySegment data, byte[] key, byte[] value, int n) {
        for (int i = 0; i < n; i++) {
            KeyWriteStore.encodeSlot(hash, key, value, 0, value.length, data, KeyWriteStore.slotOffset(hash, layout, key, i));
        }
    }

    private static void fill(SplittableRandom random, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
    }
}
