package net.dta.bench.hashing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./dta bench hashing}: readability against k/S for N = 1, 2, 4, 8 and Count-Min
 * overestimates, for every {@link HashCandidate} over every {@link KeyFamily}; Markdown tables
 * to a stream, and per-candidate data files and gnuplot plots (formula overlaid) into a directory.
 */
public final class HashingReport {
    public static final int[] REDUNDANCIES = {1, 2, 4, 8};
    /** The loads at which the 2-point promise is checked (bins of width {@link Readability#BIN} around them). */
    public static final double[] CHECKPOINTS = {0.25, 0.5, 1.0, 2.0};
    public static final int[] CM_ROWS = {1, 2, 4, 8};

    private final int log2Slots;
    private final double maxLoad;
    private final int runs;
    private final PrintStream progress;

    public HashingReport(int log2Slots, double maxLoad, int runs, PrintStream progress) {
        this.log2Slots = log2Slots;
        this.maxLoad = maxLoad;
        this.runs = runs;
        this.progress = progress;
    }

    /** Deviation in pp at a checkpoint (0 when the family has no keys at that load). */
    public static double checkpointPp(Readability r, double load) {
        Readability.Window w = r.window(load);
        return w.keys() == 0 ? 0 : w.deviationPp();
    }

    public void write(List<HashCandidate> candidates, PrintStream out, Path plotDir) throws IOException {
        if (plotDir != null) {
            Files.createDirectories(plotDir);
        }
        out.printf(Locale.ROOT, "S = 2^%d slots, %d runs per point, loads up to k/S = %.2f; checkpoints %s%n%n", log2Slots, runs,
                maxLoad, java.util.Arrays.toString(CHECKPOINTS));
        out.println("### Readability: largest deviation from 1-(1-e^(-Nk/S))^N, percentage points "
                + "(at the checkpoints, "
                + "each over loads x ± 0.05 / over all bins of width " + Readability.BIN + ")");
        out.println();
        StringBuilder header = new StringBuilder("| hash | family |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int n : REDUNDANCIES) {
            header.append(" N=").append(n).append(" |");
            rule.append("---|");
        }
        out.println(header);
        out.println(rule);
        List<String> detail = new ArrayList<>();
        for (HashCandidate hash : candidates) {
            for (KeyFamily family : KeyFamily.values()) {
                progress.printf("readability: %s, %s%n", hash, family);
                StringBuilder row = new StringBuilder("| " + hash.description() + " | " + family.description() + " |");
                Readability[] byN = new Readability[REDUNDANCIES.length];
                for (int k = 0; k < REDUNDANCIES.length; k++) {
                    Readability r = Readability.measure(hash, family, REDUNDANCIES[k], log2Slots, maxLoad, runs, seed(family));
                    byN[k] = r;
                    double worst = 0;
                    for (double c : CHECKPOINTS) {
                        worst = Math.max(worst, checkpointPp(r, c));
                    }
                    row.append(String.format(Locale.ROOT, " %s%.1f / %.1f%s |", worst > 2 ? "**" : "", worst, r.worstPp(),
                            worst > 2 ? "**" : ""));
                    if (hash == HashCandidate.FORMAT2_CRC_MIX || hash == HashCandidate.FORMAT1_ROTATIONS) {
                        for (double c : CHECKPOINTS) {
                            Readability.Window w = r.window(c);
                            if (w.keys() > 0) {
                                detail.add(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.3f | %.3f |", hash.description(),
                                        family.description(), REDUNDANCIES[k], c, w.measured(), w.expected()));
                            }
                        }
                    }
                }
                out.println(row);
                if (plotDir != null) {
                    writeData(plotDir.resolve(fileName(hash, family)), byN);
                }
            }
        }
        out.println();
        out.println("### Readability at the checkpoints (measured vs formula)");
        out.println();
        out.println("| hash | family | N | k/S | measured | formula |");
        out.println("|---|---|---|---|---|---|");
        detail.forEach(out::println);
        out.println();
        writeCountMin(candidates, out);
        if (plotDir != null) {
            for (HashCandidate hash : candidates) {
                Files.writeString(plotDir.resolve(hash.name().toLowerCase(Locale.ROOT) + ".gp"), gnuplot(hash));
            }
        }
    }

    private void writeCountMin(List<HashCandidate> candidates, PrintStream out) {
        int log2Columns = log2Slots;
        int[] keyCounts = {1 << (log2Columns - 1), 2 << log2Columns};
        out.println("### Count-Min (Key-Increment, Sketch-Merge): w = 2^" + log2Columns + " columns, unit counts, " + runs
                + " runs");
        out.println();
        out.println("P[error > (e/w)·total] must stay below delta = e^-d; P[error > 0] is compared with the random-hash "
                + "value (1-(1-1/w)^(n-1))^d (pp = percentage points).");
        out.println();
        List<String> summary = new ArrayList<>();
        out.println("| hash | family | keys n | d | P[err > eps·total] | delta | P[err > 0] | random-hash | deviation pp |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (HashCandidate hash : candidates) {
            for (KeyFamily family : KeyFamily.values()) {
                progress.printf("count-min: %s, %s%n", hash, family);
                double worstDev = 0;
                double worstBoundRatio = 0;
                for (int n : keyCounts) {
                    for (int d : CM_ROWS) {
                        CountMin m = CountMin.measure(hash, family, d, log2Columns, (int) Math.min(n, family.distinctKeys()), runs,
                                seed(family));
                        double dev = Math.abs(m.overestimated() - m.expectedOverestimated()) * 100;
                        boolean bad = m.beyondBound() > m.delta() || dev > 2;
                        worstDev = Math.max(worstDev, dev);
                        worstBoundRatio = Math.max(worstBoundRatio, m.beyondBound() / m.delta());
                        out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.4f | %.4f | %.4f | %s%.1f%s |%n", hash.description(),
                                family.description(), n, d, m.beyondBound(), m.delta(), m.overestimated(),
                                m.expectedOverestimated(), bad ? "**" : "", dev, bad ? "**" : "");
                    }
                }
                summary.add(String.format(Locale.ROOT, "| %s | %s | %s%.1f%s | %.3f |", hash.description(), family.description(),
                        worstDev > 2 ? "**" : "", worstDev, worstDev > 2 ? "**" : "", worstBoundRatio));
            }
        }
        out.println();
        out.println("### Count-Min summary: largest |P[err > 0] - random-hash| (pp) and largest P[err > eps·total] / delta "
                + "(must stay <= 1), over n and d above");
        out.println();
        out.println("| hash | family | deviation pp | bound ratio |");
        out.println("|---|---|---|---|");
        summary.forEach(out::println);
        out.println();
    }

    /** Every family's runs use their own seeds (family ordinal), the same for every hash candidate. */
    public static long seed(KeyFamily family) {
        return 1000L * (family.ordinal() + 1);
    }

    private static String fileName(HashCandidate hash, KeyFamily family) {
        return hash.name().toLowerCase(Locale.ROOT) + "-" + family.name().toLowerCase(Locale.ROOT) + ".dat";
    }

    private static void writeData(Path file, Readability[] byN) throws IOException {
        StringBuilder b = new StringBuilder("# load");
        for (int n : REDUNDANCIES) {
            b.append(" measured_N").append(n).append(" formula_N").append(n);
        }
        b.append('\n');
        for (int bin = 0; bin < byN[0].bins(); bin++) {
            if (byN[0].total(bin) == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%.3f", byN[0].center(bin)));
            for (Readability r : byN) {
                b.append(String.format(Locale.ROOT, " %.4f %.4f", r.measured(bin), r.expected(bin)));
            }
            b.append('\n');
        }
        Files.writeString(file, b);
    }

    private static String gnuplot(HashCandidate hash) {
        String base = hash.name().toLowerCase(Locale.ROOT);
        StringBuilder g = new StringBuilder();
        g.append("set terminal pngcairo size 1600,800 font ',9'\n");
        g.append("set output '").append(base).append(".png'\n");
        g.append("set multiplot layout 2,4 title '").append(hash.description().replace("^", "xor"))
                .append(": Key-Write readability vs k/S (points measured, lines 1-(1-e^{-Nk/S})^N)'\n");
        g.append("set xlabel 'k/S'; set ylabel 'readable'; set yrange [0:1.05]; set key top right\n");
        for (KeyFamily family : KeyFamily.values()) {
            g.append("set title '").append(family.description()).append("'\n");
            g.append("plot ");
            for (int k = 0; k < REDUNDANCIES.length; k++) {
                String f = "'" + fileName(hash, family) + "'";
                int col = 2 + 2 * k;
                g.append(k == 0 ? "" : ", ").append(f).append(" using 1:").append(col).append(" with points pt 7 ps 0.4 lc ")
                        .append(k + 1).append(" title 'N=").append(REDUNDANCIES[k]).append("', ").append(f).append(" using 1:")
                        .append(col + 1).append(" with lines lc ").append(k + 1).append(" notitle");
            }
            g.append('\n');
        }
        g.append("unset multiplot\n");
        return g.toString();
    }
}
