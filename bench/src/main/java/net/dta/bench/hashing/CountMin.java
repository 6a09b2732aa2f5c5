package net.dta.bench.hashing;

/**
 * Count-Min accuracy of Key-Increment and Sketch-Merge (both put key K's counter of row r in
 * column index(K, r, log2 columns)): n distinct keys, each counted once, into d rows of
 * w = 2^log2 columns; the estimate of a key is its minimum counter. Two numbers per run:
 * <ul>
 * <li>the fraction of keys overestimated by more than eps * total with eps = e / w, which the
 * Count-Min guarantee bounds by delta = e^-d (for any key set, if the rows are independent);
 * <li>the fraction overestimated at all, whose random-hash value is (1 - (1 - 1/w)^(n-1))^d:
 * the sharper test, since structured keys can meet the loose bound while being far from it.
 * </ul>
 */
public final class CountMin {
    private long keys;
    private long beyondBound;
    private long overestimated;
    private final int rows;
    private final int log2Columns;
    private final int n;

    private CountMin(int rows, int log2Columns, int n) {
        this.rows = rows;
        this.log2Columns = log2Columns;
        this.n = n;
    }

    public static CountMin measure(HashCandidate hash, KeyFamily family, int rows, int log2Columns, int n, int runs, long seed) {
        CountMin m = new CountMin(rows, log2Columns, n);
        int w = 1 << log2Columns;
        int[][] counters = new int[rows][w];
        int[] idx = new int[n * rows];
        int[] out = new int[rows];
        byte[] key = new byte[16];
        double bound = Math.E / w * n;
        for (int run = 0; run < runs; run++) {
            for (int[] row : counters) {
                java.util.Arrays.fill(row, 0);
            }
            KeyFamily.Draw draw = family.draw(seed + run);
            for (int j = 0; j < n; j++) {
                draw.key(j, key);
                hash.indices(key, rows, log2Columns, out);
                for (int r = 0; r < rows; r++) {
                    idx[j * rows + r] = out[r];
                    counters[r][out[r]]++;
                }
            }
            for (int j = 0; j < n; j++) {
                int min = Integer.MAX_VALUE;
                for (int r = 0; r < rows; r++) {
                    min = Math.min(min, counters[r][idx[j * rows + r]]);
                }
                int error = min - 1;
                m.keys++;
                m.overestimated += error > 0 ? 1 : 0;
                m.beyondBound += error > bound ? 1 : 0;
            }
        }
        return m;
    }

    /** P[error > eps * total], measured. */
    public double beyondBound() {
        return beyondBound / (double) keys;
    }

    /** delta = e^-d. */
    public double delta() {
        return Math.exp(-rows);
    }

    public double overestimated() {
        return overestimated / (double) keys;
    }

    /** (1 - (1 - 1/w)^(n-1))^d. */
    public double expectedOverestimated() {
        return Math.pow(1 - Math.pow(1 - 1.0 / (1 << log2Columns), n - 1), rows);
    }

    public int rows() {
        return rows;
    }
}
