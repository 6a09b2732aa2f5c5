package net.dta.collector.store;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Keys;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.KeyWriteStore;

/** Key-Write lookups (protocol.md 4.2): the latest value of a key and how many of its N slots agree. */
public final class KeyWriteReader implements StoreReader {
    private final StoreDefinition definition;
    private final KeyWriteStore store;

    KeyWriteReader(StoreDefinition definition, MemorySegment data) {
        this.definition = definition;
        this.store = new KeyWriteStore(data, (KeyWriteLayout) definition.layout());
    }

    @Override
    public StoreDefinition definition() {
        return definition;
    }

    public KeyWriteLayout layout() {
        return store.layout();
    }

    /** Reads with the store's default redundancy. */
    public KeyWriteStore.Result get(byte[] key) {
        return get(key, store.layout().defaultRedundancy());
    }

    /**
     * Reads the key's first {@code redundancy} slots (1..8): the value most of them agree on, and
     * how many agree; {@code found()} is false when no slot holds this key.
     */
    public KeyWriteStore.Result get(byte[] key, int redundancy) {
        Keys.check(key);
        checkRedundancy(redundancy);
        return store.get(key, redundancy);
    }

    /** Allocation-free form: value into valueOut (at least value-bytes long); returns agreeing slots, 0 = absent. */
    public int get(byte[] key, int redundancy, byte[] valueOut) {
        Keys.check(key);
        checkRedundancy(redundancy);
        return store.get(key, redundancy, valueOut);
    }

    /**
     * Reads {@code count} keys at once (stores of 8-byte slots): their memory accesses overlap.
     * {@code agree[k]} is 0 when key k is absent, else {@code values[k]} is its 4-byte value.
     */
    public void getMany(byte[][] keys, int count, int redundancy, int[] values, int[] agree) {
        for (int k = 0; k < count; k++) {
            Keys.check(keys[k]);
        }
        checkRedundancy(redundancy);
        store.getMany(keys, count, redundancy, values, agree);
    }

    private static void checkRedundancy(int redundancy) {
        if (redundancy < 1 || redundancy > 8) {
            throw new IllegalArgumentException("redundancy must be 1..8, got " + redundancy);
        }
    }

    /** Slots holding any value (scans the whole store: for statistics, not per query). */
    public long occupiedSlots() {
        return store.occupiedSlots();
    }
}
