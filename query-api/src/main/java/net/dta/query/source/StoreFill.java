package net.dta.query.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;

/**
 * How full a store shard is: the units (Key-Write slots, counters, postcard rows, Append entries)
 * that hold data. Stores of up to {@link #EXACT_UNITS} units are counted exactly; larger ones are
 * estimated from {@link #SAMPLES} units at fixed pseudo-random positions (the same positions every
 * time, so successive estimates of a filling store only grow), which keeps a status refresh of a
 * multi-GiB store at a few milliseconds. The standard error of a sampled fill is at most
 * 0.5 / sqrt(SAMPLES), 0.2 %.
 *
 * <p>Reads use aligned loads of whole words, as the protocol's readers do.
 */
public final class StoreFill {
    public static final long EXACT_UNITS = 1L << 20;
    public static final int SAMPLES = 1 << 16;

    /** Units of the shard, units holding data, units examined. */
    public record Fill(long capacity, long occupied, long examined) {
        public double ratio() {
            return capacity == 0 ? 0 : (double) occupied / capacity;
        }
    }

    /** What a key-write fill implies (protocol.md 3), for N replicas in S slots. */
    public record KeyWriteOutlook(double estimatedKeyWrites, double successProbability) {
        /**
         * k = -(S/N) ln(1 - fill), the key writes since the store was empty that make the expected
         * fill 1 - e^(-Nk/S); the probability that a key written k writes ago is still readable is
         * 1 - (1 - e^(-Nk/S))^N = 1 - fill^N.
         */
        public static KeyWriteOutlook of(Fill fill, int redundancy) {
            double s = fill.capacity();
            // A full store implies infinitely many writes: k is capped at the fill of S - 1/2 slots.
            double k = -(s / redundancy) * Math.log1p(-Math.min(fill.ratio(), 1 - 0.5 / s));
            // 1 - (1 - e^(-Nk/S))^N with e^(-Nk/S) = 1 - fill, computed from the fill itself (exact at 0 and 1).
            double p = 1 - Math.pow(fill.ratio(), redundancy);
            return new KeyWriteOutlook(k, p);
        }
    }

    private StoreFill() {
    }

    public static Fill measure(StoreDefinition def, MemorySegment data) {
        return switch (def.layout()) {
            case KeyWriteLayout k -> count(data, k.slots(), k.slotBytes(), 1, def.storeId());
            case CounterLayout c -> count(data, c.rows() * c.columns(), 8, 1, def.storeId());
            case PostcardLayout p -> count(data, p.rows(), p.rowBytes(), p.hops(), def.storeId());
            case AppendLayout a -> count(data, a.lists() * a.entries(), AppendLayout.ENTRY_BYTES, 1, def.storeId());
        };
    }

    private static Fill count(MemorySegment data, long units, int unitBytes, int wordsPerUnit, int seed) {
        if (units <= EXACT_UNITS) {
            long occupied = 0;
            for (long u = 0; u < units; u++) {
                if (occupied(data, u * unitBytes, wordsPerUnit, unitBytes)) {
                    occupied++;
                }
            }
            return new Fill(units, occupied, units);
        }
        SplittableRandom random = new SplittableRandom(0x5EED_0000L + seed);
        long hits = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long u = random.nextLong(units);
            if (occupied(data, u * unitBytes, wordsPerUnit, unitBytes)) {
                hits++;
            }
        }
        return new Fill(units, Math.round((double) hits / SAMPLES * units), SAMPLES);
    }

    /** A Key-Write slot is occupied when its tag word is not zero; other units when any of their words is not. */
    private static boolean occupied(MemorySegment data, long offset, int words, int unitBytes) {
        if (unitBytes != 8 && words == 1) {
            return data.get(ValueLayout.JAVA_INT, offset) != 0;
        }
        for (int w = 0; w < words; w++) {
            if (data.get(ValueLayout.JAVA_LONG, offset + 8L * w) != 0) {
                return true;
            }
        }
        return false;
    }
}
