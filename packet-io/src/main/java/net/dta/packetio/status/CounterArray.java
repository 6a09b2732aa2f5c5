package net.dta.packetio.status;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters with one writer thread and any number of reader threads. The writer increments with
 * a plain read and an opaque write (no fence, no lost update since it is the only writer);
 * readers use opaque reads, so a 64-bit value is never torn and eventually visible. This keeps
 * the per-packet cost at a plain memory increment.
 */
public final class CounterArray {
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;

    public CounterArray(int size) {
        this.values = new long[size];
    }

    public int size() {
        return values.length;
    }

    /** Writer thread only. */
    public void increment(int index) {
        ELEMENT.setOpaque(values, index, values[index] + 1);
    }

    /** Writer thread only. */
    public void add(int index, long delta) {
        ELEMENT.setOpaque(values, index, values[index] + delta);
    }

    /** Writer thread only: publishes a gauge (state, expected PSN, ...). */
    public void set(int index, long value) {
        ELEMENT.setOpaque(values, index, value);
    }

    /** Any thread. */
    public long get(int index) {
        return (long) ELEMENT.getOpaque(values, index);
    }
}
