package net.dta.bench.hashing;

/**
 * Key-Write readability against load: n keys are written in order into S = 2^log2 slots with
 * redundancy N (each replica overwrites its slot); key j is readable when at least one of its
 * slots still holds it, i.e. it was that slot's last writer. Its load is k/S with k = the keys
 * written after it. The random-hash prediction for load x is 1 - (1 - e^(-N x))^N (protocol.md
 * 4.2). Results are kept per load bin of width {@link #BIN}, summed over runs, with the formula
 * averaged over the same keys so that bin width adds no bias.
 */
public final class Readability {
    public static final double BIN = 0.05;

    private final int bins;
    private final long[] readable;
    private final long[] total;
    private final double[] expected;

    private Readability(int bins) {
        this.bins = bins;
        this.readable = new long[bins];
        this.total = new long[bins];
        this.expected = new double[bins];
    }

    /** Runs {@code runs} independent draws of the family (seeds seed, seed+1, ..) and returns the binned result. */
    public static Readability measure(HashCandidate hash, KeyFamily family, int n, int log2Slots, double maxLoad, int runs,
            long seed) {
        int slots = 1 << log2Slots;
        int keys = (int) Math.min((long) (maxLoad * slots) + 1, family.distinctKeys());
        Readability r = new Readability((int) Math.floor(maxLoad / BIN + 1e-9));
        int[] owner = new int[slots];
        int[] idx = new int[keys * n];
        byte[] key = new byte[16];
        int[] out = new int[n];
        for (int run = 0; run < runs; run++) {
            KeyFamily.Draw draw = family.draw(seed + run);
            for (int j = 0; j < keys; j++) {
                draw.key(j, key);
                hash.indices(key, n, log2Slots, out);
                System.arraycopy(out, 0, idx, j * n, n);
            }
            java.util.Arrays.fill(owner, -1);
            for (int j = 0; j < keys; j++) {
                for (int i = 0; i < n; i++) {
                    owner[idx[j * n + i]] = j;
                }
            }
            for (int j = 0; j < keys; j++) {
                boolean ok = false;
                for (int i = 0; i < n && !ok; i++) {
                    ok = owner[idx[j * n + i]] == j;
                }
                double load = (keys - 1 - j) / (double) slots;
                int b = (int) (load / BIN);
                if (b >= r.bins) {
                    continue;
                }
                r.total[b]++;
                r.readable[b] += ok ? 1 : 0;
                r.expected[b] += formula(n, load);
            }
        }
        return r;
    }

    /** 1 - (1 - e^(-N x))^N. */
    public static double formula(int n, double load) {
        return 1 - Math.pow(1 - Math.exp(-n * load), n);
    }

    public int bins() {
        return bins;
    }

    /** Keys measured in bin b (0 when the family ran out of distinct keys before that load). */
    public long total(int b) {
        return total[b];
    }

    public double center(int b) {
        return (b + 0.5) * BIN;
    }

    public double measured(int b) {
        return readable[b] / (double) total[b];
    }

    public double expected(int b) {
        return expected[b] / total[b];
    }

    /** The bin that holds load x. */
    public static int binOf(double load) {
        return (int) (load / BIN);
    }

    /** Half-width of the window a checkpoint averages over: loads [x - 0.05, x + 0.05), two bins. */
    public static final double CHECKPOINT_HALF_WIDTH = BIN;

    /** Keys, readable fraction and formula over the bins of loads [x - 0.05, x + 0.05). */
    public Window window(double load) {
        long t = 0;
        long ok = 0;
        double e = 0;
        for (int b = binOf(load - CHECKPOINT_HALF_WIDTH + 1e-9); b < binOf(load + CHECKPOINT_HALF_WIDTH + 1e-9) && b < bins; b++) {
            t += total[b];
            ok += readable[b];
            e += expected[b];
        }
        return new Window(load, t, t == 0 ? 0 : ok / (double) t, t == 0 ? 0 : e / t);
    }

    /** A checkpoint's result. */
    public record Window(double load, long keys, double measured, double expected) {
        public double deviationPp() {
            return Math.abs(measured - expected) * 100;
        }
    }

    /** Largest |measured - expected| over bins with keys, in percentage points. */
    public double worstPp() {
        double worst = 0;
        for (int b = 0; b < bins; b++) {
            if (total[b] > 0) {
                worst = Math.max(worst, Math.abs(measured(b) - expected(b)) * 100);
            }
        }
        return worst;
    }
}
