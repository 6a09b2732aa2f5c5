package net.dta.bench.classic;

import java.util.Arrays;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.PostcardLayout;

/**
 * A classic collector's own per-flow postcard cache, with the aggregation rule the translator
 * uses (protocol.md 6.3): entry {@code index(F, 0, log2 entries)} holds one flow; a postcard of
 * another flow evicts it (its row is written with the hops it has); a flow's row is written once
 * every hop of its path arrived, or when it has been idle for the flush interval. Flat arrays, no
 * allocation per postcard; one owner thread.
 */
final class PostcardCache {
    /** Receives each row to write: the cells of the hops present (bit h of {@code presentHops}). */
    interface RowSink {
        void writeRow(byte[] flowKey, int presentHops, int[] values);
    }

    private static final int HOPS = PostcardLayout.MAX_HOPS;

    private final int log2Entries;
    private final int mask;
    private final long flushNanos;
    private final RowSink sink;
    private final DtaHash hash;
    private final byte[] keys;
    private final int[] pathLength;
    private final int[] present;
    private final int[] values;
    private final long[] touched;
    private final byte[] rowKey = new byte[DtaHash.KEY_BYTES];
    private final int[] rowValues = new int[HOPS];
    private int sweepCursor;
    private long rowsWritten;
    private long evictions;

    PostcardCache(int log2Entries, long flushNanos, RowSink sink, DtaHash hash) {
        int entries = 1 << log2Entries;
        this.log2Entries = log2Entries;
        this.mask = entries - 1;
        this.flushNanos = flushNanos;
        this.sink = sink;
        this.hash = hash;
        this.keys = new byte[entries * DtaHash.KEY_BYTES];
        this.pathLength = new int[entries];
        this.present = new int[entries];
        this.values = new int[entries * HOPS];
        this.touched = new long[entries];
    }

    /** One postcard; {@code length} is the flow's path length (the store's hops when the report said 0). */
    void add(byte[] flowKey, int hop, int length, int value, long now) {
        int e = hash.index(flowKey, 0, log2Entries);
        int k = e * DtaHash.KEY_BYTES;
        if (pathLength[e] != 0 && Arrays.mismatch(keys, k, k + DtaHash.KEY_BYTES, flowKey, 0, DtaHash.KEY_BYTES) >= 0) {
            evictions++;
            write(e);
        }
        if (pathLength[e] == 0) {
            System.arraycopy(flowKey, 0, keys, k, DtaHash.KEY_BYTES);
            pathLength[e] = length;
            present[e] = 0;
        }
        values[e * HOPS + hop] = value;
        present[e] |= 1 << hop;
        touched[e] = now;
        if (present[e] == (1 << pathLength[e]) - 1) {
            write(e);
        }
    }

    /** Writes the rows of up to {@code budget} entries idle for the flush interval (incremental sweep). */
    void sweep(long now, int budget) {
        for (int i = 0; i < budget; i++) {
            int e = sweepCursor;
            sweepCursor = (sweepCursor + 1) & mask;
            if (pathLength[e] != 0 && now - touched[e] >= flushNanos) {
                write(e);
            }
        }
    }

    /** Writes every cached flow (shutdown). */
    void flushAll() {
        for (int e = 0; e <= mask; e++) {
            if (pathLength[e] != 0) {
                write(e);
            }
        }
    }

    long rowsWritten() {
        return rowsWritten;
    }

    long evictions() {
        return evictions;
    }

    private void write(int e) {
        System.arraycopy(keys, e * DtaHash.KEY_BYTES, rowKey, 0, DtaHash.KEY_BYTES);
        System.arraycopy(values, e * HOPS, rowValues, 0, HOPS);
        int hops = present[e];
        pathLength[e] = 0;
        present[e] = 0;
        rowsWritten++;
        sink.writeRow(rowKey, hops, rowValues);
    }
}
