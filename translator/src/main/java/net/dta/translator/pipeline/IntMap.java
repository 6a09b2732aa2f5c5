package net.dta.translator.pipeline;

import java.util.Map;

/**
 * An immutable open-addressing map from int keys to values, for lookups on the data path without
 * boxing. Built once from a {@link Map} when the tables change.
 */
public final class IntMap<V> {
    private final int[] keys;
    private final Object[] values;
    private final int mask;

    public IntMap(Map<Integer, V> source) {
        int capacity = Integer.highestOneBit(Math.max(4, source.size() * 2) - 1) << 1;
        keys = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (Map.Entry<Integer, V> e : source.entrySet()) {
            int i = slot(e.getKey());
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = e.getKey();
            values[i] = e.getValue();
        }
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The value of the key, or null. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        int i = slot(key);
        while (true) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
            i = (i + 1) & mask;
        }
    }
}
