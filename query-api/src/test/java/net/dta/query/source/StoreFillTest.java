package net.dta.query.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.KeyWriteStore;

/** Store fill, counted or sampled, and the Key-Write success probability it implies. */
class StoreFillTest {
    @Test
    void aSmallStoreIsCountedExactly() {
        StoreDefinition def = new StoreDefinition(1, "pc", new PostcardLayout(10, 5), false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(def.layout().dataLength(), 8);
            data.set(ValueLayout.JAVA_LONG, 64L * 7 + 8 * 4, 1); // row 7, hop 4 only
            data.set(ValueLayout.JAVA_LONG, 64L * 9 + 8 * 5, 1); // row 9, padding cell beyond the 5 hops: not a hop
            StoreFill.Fill f = StoreFill.measure(def, data);
            assertEquals(new StoreFill.Fill(1024, 1, 1024), f);
        }
    }

    @Test
    void aLargeStoreIsSampledWithinItsStandardError() {
        // 2^22 Key-Write slots (32 MiB), 2^20 random keys with N = 2: expected fill 1 - e^(-2 * 2^20 / 2^22) = 0.3935.
        KeyWriteLayout layout = new KeyWriteLayout(22, 8, 2);
        StoreDefinition def = new StoreDefinition(1, "kw", layout, false);
        DtaHash hash = new DtaHash();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(layout.dataLength(), 8);
            SplittableRandom random = new SplittableRandom(5);
            byte[] key = new byte[16];
            byte[] value = {0, 0, 0, 1};
            for (int k = 0; k < 1 << 20; k++) {
                random.nextBytes(key);
                for (int i = 0; i < 2; i++) {
                    KeyWriteStore.encodeSlot(hash, key, value, 0, 4, data, KeyWriteStore.slotOffset(hash, layout, key, i));
                }
            }
            StoreFill.Fill f = StoreFill.measure(def, data);
            assertEquals(StoreFill.SAMPLES, f.examined());
            double exact = new KeyWriteStore(data, layout).occupiedSlots() / (double) layout.slots();
            assertEquals(exact, f.ratio(), 4 * 0.5 / Math.sqrt(StoreFill.SAMPLES), "sampled " + f.ratio() + ", exact " + exact);
            assertEquals(1 - Math.exp(-0.5), exact, 0.002);

            // The fill implies k = -(S/N) ln(1 - fill) key writes: here about the 2^20 written.
            StoreFill.KeyWriteOutlook o = StoreFill.KeyWriteOutlook.of(f, 2);
            assertEquals(1 << 20, o.estimatedKeyWrites(), 0.02 * (1 << 20));
            assertEquals(1 - f.ratio() * f.ratio(), o.successProbability(), 1e-9);
        }
    }

    @Test
    void aFullStoreImpliesNoSurvivalAndAnEmptyOneCertainSurvival() {
        StoreFill.Fill full = new StoreFill.Fill(1024, 1024, 1024);
        assertEquals(0, StoreFill.KeyWriteOutlook.of(full, 2).successProbability(), 1e-6);
        assertTrue(Double.isFinite(StoreFill.KeyWriteOutlook.of(full, 2).estimatedKeyWrites()));
        StoreFill.Fill empty = new StoreFill.Fill(1024, 0, 1024);
        assertEquals(1, StoreFill.KeyWriteOutlook.of(empty, 2).successProbability(), 1e-12);
        assertEquals(0, StoreFill.KeyWriteOutlook.of(empty, 2).estimatedKeyWrites(), 1e-12);
    }

    @Test
    void appendEntriesCountOnePerWrittenEntry() {
        StoreDefinition def = new StoreDefinition(4, "ap", new AppendLayout(2, 4), false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(def.layout().dataLength(), 8);
            for (int p = 0; p < 5; p++) {
                net.dta.protocol.store.AppendStore.encodeEntry(p, 0xAB, data, ((AppendLayout) def.layout()).entryOffset(1, p));
            }
            assertEquals(new StoreFill.Fill(32, 5, 32), StoreFill.measure(def, data));
        }
    }
}
