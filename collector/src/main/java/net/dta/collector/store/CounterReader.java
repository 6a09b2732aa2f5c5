package net.dta.collector.store;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.CounterStore;

/**
 * Key-Increment and Sketch point queries (protocol.md 4.3, 4.7): the Count-Min estimate of a key,
 * never below its true sum. Honours the store's declared counter byte order (4.4).
 */
public final class CounterReader implements StoreReader {
    private final StoreDefinition definition;
    private final CounterStore store;

    CounterReader(StoreDefinition definition, MemorySegment data) {
        this.definition = definition;
        this.store = new CounterStore(data, (CounterLayout) definition.layout(), definition.countersLittleEndian());
    }

    @Override
    public StoreDefinition definition() {
        return definition;
    }

    public CounterLayout layout() {
        return store.layout();
    }

    /** Minimum over all rows of the key's counters (unsigned 64-bit; use Long.toUnsignedString to print). */
    public long estimate(byte[] key) {
        Keys.check(key);
        return store.estimate(key);
    }

    /** Minimum over the first {@code rows} rows (1..rows of the store). */
    public long estimate(byte[] key, int rows) {
        Keys.check(key);
        if (rows < 1 || rows > store.layout().rows()) {
            throw new IllegalArgumentException("rows must be 1.." + store.layout().rows() + ", got " + rows);
        }
        return store.estimate(key, rows);
    }

    /** The key's counter in each row, for explaining an estimate. */
    public long[] counters(byte[] key) {
        Keys.check(key);
        DtaHash hash = new DtaHash();
        long[] out = new long[store.layout().rows()];
        for (int r = 0; r < out.length; r++) {
            out[r] = store.counter(r, hash.index(key, r, store.layout().log2Columns()));
        }
        return out;
    }

    /** One counter by position (row 0..rows-1, column 0..columns-1). */
    public long counter(int row, long column) {
        if (row < 0 || row >= store.layout().rows() || column < 0 || column >= store.layout().columns()) {
            throw new IllegalArgumentException("counter (" + row + ", " + column + ") is outside " + store.layout().rows()
                    + " rows x " + store.layout().columns() + " columns");
        }
        return store.counter(row, column);
    }

    /** Counters that are not zero (scans the whole store). */
    public long nonZeroCounters() {
        return store.nonZeroCounters();
    }
}
