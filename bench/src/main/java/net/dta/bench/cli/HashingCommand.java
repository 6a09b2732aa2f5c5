package net.dta.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import net.dta.bench.hashing.HashCandidate;
import net.dta.bench.hashing.HashCost;
import net.dta.bench.hashing.HashingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reporter bench hashing}: the hash-quality measurements and hashing cost of docs/hashing.md and docs/performance.md. */
@Command(name = "hashing", mixinStandardHelpOptions = true,
        description = {"Key-Write readability vs k/S (N = 1, 2, 4, 8) and Count-Min overestimates of every hash candidate over "
                + "the key families of docs/hashing.md, as Markdown tables on stdout; with --plots, data files and gnuplot "
                + "plots (formula overlaid); with --cost, hashing cost per report and per query, format 1 vs format 2."},
        footer = {"", "Examples:", "  ./dta bench hashing --plots docs/hashing", "  ./dta bench hashing --hashes format2_crc_mix --runs 4",
                "  ./dta bench hashing --cost-only"})
final class HashingCommand implements Callable<Integer> {
    @Option(names = "--log2-slots", defaultValue = "14", paramLabel = "L", description = "Table size S = 2^L. Default: ${DEFAULT-VALUE}.")
    int log2Slots;

    @Option(names = "--max-load", defaultValue = "2.5", paramLabel = "X", description = "Largest k/S measured. Default: ${DEFAULT-VALUE}.")
    double maxLoad;

    @Option(names = "--runs", defaultValue = "8", paramLabel = "R", description = "Independent key draws per point. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--hashes", paramLabel = "H,..", description = "Candidates (default: all): format1_rotations, polynomials, "
            + "salted_crc, kirsch_mitzenmacher, format2_crc_mix.")
    String hashes;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write data files, gnuplot scripts and PNG plots (needs gnuplot) here.")
    Path plots;

    @Option(names = "--cost", description = "Also measure hashing cost per report and per query (format 1 vs format 2).")
    boolean cost;

    @Option(names = "--cost-only", description = "Only measure hashing cost.")
    boolean costOnly;

    @Option(names = "--seconds", defaultValue = "1", paramLabel = "S", description = "Cost: measuring window per point (after as long a warm-up). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "R", description = "Cost: alternating rounds; the best of each is kept. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (log2Slots < 8 || log2Slots > 24 || runs < 1 || maxLoad <= 0 || maxLoad > 8) {
            throw new IllegalArgumentException("hashing: need 8 <= --log2-slots <= 24, --runs >= 1 and 0 < --max-load <= 8");
        }
        if (!costOnly) {
            new HashingReport(log2Slots, maxLoad, runs, System.err).write(candidates(), System.out, plots);
            if (plots != null) {
                drawPlots();
            }
        }
        if (cost || costOnly) {
            measureCost();
        }
        return 0;
    }

    private List<HashCandidate> candidates() {
        if (hashes == null) {
            return List.of(HashCandidate.values());
        }
        List<HashCandidate> list = new ArrayList<>();
        for (String h : hashes.split(",")) {
            try {
                list.add(HashCandidate.valueOf(h.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hashes: unknown candidate \"" + h + "\"; use "
                        + java.util.Arrays.toString(HashCandidate.values()).toLowerCase(Locale.ROOT));
            }
        }
        return list;
    }

    private void drawPlots() throws IOException, InterruptedException {
        try (var scripts = Files.list(plots)) {
            for (Path gp : scripts.filter(p -> p.toString().endsWith(".gp")).sorted().toList()) {
                Process p;
                try {
                    p = new ProcessBuilder("gnuplot", gp.getFileName().toString()).directory(plots.toFile()).inheritIO().start();
                } catch (IOException e) {
                    System.err.println("hashing: gnuplot not found (apt-get install gnuplot-nox): data and scripts are in " + plots);
                    return;
                }
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    System.err.println("hashing: gnuplot failed on " + gp);
                }
            }
        }
    }

    private void measureCost() {
        long window = (long) (seconds * 1e9);
        System.out.println("### Hashing cost (ns per operation, Key-Write N = 2, 2^20 slots; format 1 and 2 alternate, best of " + rounds
                + " rounds)");
        System.out.println();
        System.out.println("| operation | format 1 (rotated CRCs) | format 2 (CRC + mix) | ratio 2/1 |");
        System.out.println("|---|---|---|---|");
        HashCost bench = new HashCost(2, 20);
        for (HashCost.Operation op : HashCost.Operation.values()) {
            double f1 = Double.MAX_VALUE;
            double f2 = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                System.err.printf("cost: %s round %d%n", op, round + 1);
                f1 = Math.min(f1, bench.nanosPerOp(op, false, window, window));
                f2 = Math.min(f2, bench.nanosPerOp(op, true, window, window));
            }
            String what = op == HashCost.Operation.REPORT ? "translator, per report (bucket, 2 indices, tag)"
                    : "reader, per query (2 indices, 2 tag checks)";
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", what, f1, f2, f2 / f1);
        }
        System.err.println("(sink " + bench.sink() + ")");
    }
}
