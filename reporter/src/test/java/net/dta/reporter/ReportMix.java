package net.dta.reporter;

import net.dta.reporter.load.KeySpace;

/**
 * A mix of every primitive to stores 1-5 (Key-Write, Key-Increment, Postcard, Append, Sketch-Merge),
 * sent from caller-owned buffers: the per-report load of the allocation tests (here and in bench).
 */
public final class ReportMix {
    private ReportMix() {
    }

    /** Sends n reports, one primitive after the other over 1024 keys, then flushes. */
    public static void send(DtaReporter r, int n, byte[] key, byte[] value, int[] deltas) {
        for (int i = 0; i < n; i++) {
            KeySpace.key(i & 1023, key);
            switch (i % 5) {
                case 0 -> r.keyWrite(1, key, value, 2);
                case 1 -> r.keyIncrement(2, key, i);
                case 2 -> r.postcard(3, key, i % 3, 3, i);
                case 3 -> r.append(4, i & 3, i);
                default -> r.sketchMerge(5, i & 1, (i & 63) * 16, deltas, 4);
            }
        }
        r.flush();
    }
}
