package net.dta.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import net.dta.reporter.Primitive;
import net.dta.reporter.cli.Numbers;
import net.dta.bench.CollectorCpuBenchmark;
import net.dta.bench.LossBenchmark;
import net.dta.bench.TranslatorThroughputBenchmark;
import net.dta.translator.config.Mode;
import net.dta.bench.BenchMain;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench ...}: the benchmarks of docs/performance.md, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
        description = {"The benchmarks of docs/performance.md. Progress goes to stderr, the tables to stdout."},
        subcommands = {BenchCommand.Translator.class, BenchCommand.CollectorCpu.class, BenchCommand.Responder.class,
                HashingCommand.class, BenchCommand.IntIngest.class, BenchCommand.Loss.class, QueryBenchCommand.class,
                BenchCommand.PathCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/performance.md"})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every load benchmark takes (the packet-path one too: it has packet paths instead of one socket mode). */
    static class Measurement {
        @Option(names = "--warmup", defaultValue = "2s", paramLabel = "D", description = "Warm-up per measurement. Default: ${DEFAULT-VALUE}.")
        String warmup;

        @Option(names = "--seconds", defaultValue = "5s", paramLabel = "D", description = "Measurement window. Default: ${DEFAULT-VALUE}.")
        String seconds;

        @Option(names = "--primitives", defaultValue = "kw,ki,pc,ap,sk", paramLabel = "P,..",
                description = "Primitives to measure. Default: ${DEFAULT-VALUE}.")
        String primitives;

        @Option(names = "--keys", defaultValue = "2^16", paramLabel = "N", description = "Key space. Default: ${DEFAULT-VALUE}.")
        String keys;

        @Option(names = "--sketch-counters", defaultValue = "4", paramLabel = "N",
                description = "Counters per Sketch-Merge report (each one FETCH_ADD on the DTA path). Default: ${DEFAULT-VALUE}.")
        int sketchCounters;

        @Option(names = "--append-batch", defaultValue = "16", paramLabel = "N",
                description = "Append entries per RDMA WRITE on the DTA path, 1, 2, 4, 8 or 16. Default: ${DEFAULT-VALUE}.")
        int appendBatch;

        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "Where stores are created (default: a temporary directory, deleted after).")
        Path workDir;

        List<Primitive> primitives() {
            List<Primitive> list = new ArrayList<>();
            for (String p : primitives.split(",")) {
                try {
                    list.add(Primitive.parse(p));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("primitives: " + e.getMessage());
                }
            }
            return list;
        }

        /** Runs the body with the work directory; a temporary one is deleted after. */
        int inWorkDir(WorkDirBody body) throws Exception {
            return BenchCommand.inWorkDir(workDir, body);
        }

        int appendBatch() {
            if (Integer.bitCount(appendBatch) != 1 || appendBatch > 16) {
                throw new IllegalArgumentException("append-batch: must be 1, 2, 4, 8 or 16, got " + appendBatch);
            }
            return appendBatch;
        }
    }

    /** Options the loopback benchmarks take: the measurement's, and the socket mode. */
    static final class Common extends Measurement {
        @Option(names = "--mode", defaultValue = "udp", paramLabel = "udp|raw",
                description = "Socket mode of the DTA translator and collector: udp, or raw (exact ICRCs, needs root). Default: ${DEFAULT-VALUE}.")
        String mode;

        Mode mode() {
            return switch (mode.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "udp" -> Mode.UDP;
                case "raw" -> Mode.RAW;
                case "xdp" -> throw new IllegalArgumentException("mode xdp: this benchmark runs on loopback; "
                        + net.dta.packetio.LinkLayerChannels.NOT_ON_LOOPBACK + " (./dta bench path --paths xdp measures the responder over veth)");
                default -> throw new IllegalArgumentException("mode: must be udp or raw, got \"" + mode + "\"");
            };
        }
    }

    /** Runs the body with {@code workDir}, or a temporary directory deleted after. */
    static int inWorkDir(Path workDir, WorkDirBody body) throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("dta-bench-");
        try {
            body.run(dir);
            return ExitCode.OK;
        } finally {
            if (workDir == null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a leftover temporary directory is not worth failing a finished benchmark for
                }
            }
        }
    }

    @Command(name = "loss", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Reports lost to random packet loss between the translator and a collector (a lossy relay on "
                    + "loopback, both directions), per requester class (switch: rewind at a NAK; retransmit: go-back-N), loss "
                    + "rate and primitive, with the per-primitive accounting checked (docs/reliability.md).")
    static final class Loss implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--loss", defaultValue = "0.01,0.1", paramLabel = "F,..", description = "Loss rates (fractions). Default: ${DEFAULT-VALUE}.")
        String loss;

        @Option(names = "--primitives", defaultValue = "key_increment,append", paramLabel = "P,..",
                description = "key_increment, append, key_write. Default: ${DEFAULT-VALUE}.")
        String primitives;

        @Option(names = "--requesters", defaultValue = "switch,retransmit", paramLabel = "R,..",
                description = "switch (rewind, as the P4 translators), retransmit (the software translator's default). Default: ${DEFAULT-VALUE}.")
        String requesters;

        @Option(names = "--reports", defaultValue = "20000", paramLabel = "N", description = "Reports per run. Default: ${DEFAULT-VALUE}.")
        int reports;

        @Option(names = "--rate", defaultValue = "5000", paramLabel = "N/S",
                description = "Reports per second (the relay is one thread: more makes it the bottleneck). Default: ${DEFAULT-VALUE}.")
        int rate;

        @Option(names = "--window", defaultValue = "1024", paramLabel = "N",
                description = "The translator's retransmit-window (a power of two 16..65536). Default: ${DEFAULT-VALUE}.")
        int window;

        @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the collectors' stores go (default: a temporary directory, deleted after).")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            List<Double> rates = new ArrayList<>();
            for (String r : loss.split(",")) {
                double v = Double.parseDouble(r);
                if (!(v >= 0 && v < 1)) {
                    throw new IllegalArgumentException("loss: each rate must be a fraction 0 <= f < 1, got " + r);
                }
                rates.add(v);
            }
            if (reports < 1 || rate < 1) {
                throw new IllegalArgumentException("reports and rate must be positive");
            }
            return inWorkDir(workDir, dir -> LossBenchmark.run(new LossBenchmark.Options(rates, List.of(primitives.split(",")),
                    List.of(requesters.split(",")), reports, rate, window, dir), spec.commandLine().getOut(), spec.commandLine().getErr()));
        }
    }

    @FunctionalInterface
    interface WorkDirBody {
        void run(Path dir) throws Exception;
    }

    @Command(name = "int-ingest", mixinStandardHelpOptions = true, sortOptions = false,
            description = "INT ingest next to the DTA path (docs/int.md): paths/s and the translator's CPU per path for DTA "
                    + "Postcard reports and for INT-MD sink reports of the same paths, in one run.")
    static final class IntIngest implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--warmup", defaultValue = "2s", paramLabel = "D", description = "Warm-up per measurement. Default: ${DEFAULT-VALUE}.")
        String warmup;

        @Option(names = "--seconds", defaultValue = "5s", paramLabel = "D", description = "Measurement window. Default: ${DEFAULT-VALUE}.")
        String seconds;

        @Option(names = "--hops", defaultValue = "4", paramLabel = "N", description = "Hops per path, 1..5. Default: ${DEFAULT-VALUE}.")
        int hops;

        @Option(names = "--mode", defaultValue = "udp", paramLabel = "udp|raw",
                description = "Socket mode of the translator and collector. Default: ${DEFAULT-VALUE}.")
        String mode;

        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "Where stores are created (default: a temporary directory, deleted after).")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            if (hops < 1 || hops > 5) {
                throw new IllegalArgumentException("hops: 1..5 (the benchmark's postcard store has 5 hops), got " + hops);
            }
            Common c = new Common();
            c.workDir = workDir;
            c.mode = mode;
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return c.inWorkDir(dir -> net.dta.bench.IntIngestBenchmark.run(new net.dta.bench.IntIngestBenchmark.Options(
                    Numbers.duration(warmup, "warmup"), Numbers.duration(seconds, "seconds"), hops, c.mode(), dir), out, err));
        }
    }

    @Command(name = "translator", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Translator throughput: reports/s through the software translator per primitive and RoCEv2 packets/s "
                    + "emitted, against a bare UDP forwarding loop with the same socket set-up, in one run.")
    static final class Translator implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Option(names = "--setups", defaultValue = "bare,translator", paramLabel = "S,..",
                description = "Set-ups: bare, translator. Default: ${DEFAULT-VALUE}.")
        String setups;

        @Option(names = "--senders", defaultValue = "2", paramLabel = "N", description = "Sender threads. Default: ${DEFAULT-VALUE}.")
        int senders;

        @Option(names = "--mix", defaultValue = "kw=1,ki=1,pc=1,ap=1,sk=1", paramLabel = "W",
                description = "After the per-primitive rows, a row of one stream interleaving the primitives with these weights "
                        + "(reports), as a translator in production sees them; none: no such row. Default: ${DEFAULT-VALUE}.")
        String mix;

        @Option(names = "--jit-settle", defaultValue = "20s", paramLabel = "D",
                description = "After the warm-up, wait up to this long for the JIT compilers to go quiet before measuring (0s: "
                        + "measure right away; a window that overlaps a recompilation of the hot loop measures C1 code, see "
                        + "JIT-MS). Default: ${DEFAULT-VALUE}.")
        String jitSettle;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return common.inWorkDir(dir -> TranslatorThroughputBenchmark.run(new TranslatorThroughputBenchmark.Options(
                    Numbers.duration(common.warmup, "warmup"), Numbers.duration(common.seconds, "seconds"),
                    Numbers.duration(jitSettle, "jit-settle"), common.primitives(),
                    List.of(setups.split(",")), Numbers.count(common.keys, "keys"), common.sketchCounters, senders, common.mode(),
                    common.appendBatch(), dir, mix), out, err));
        }
    }

    @Command(name = "collector-cpu", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Collector CPU time per report: DTA (translator + RDMA responder) vs a classic UDP collector "
                    + "on the same store files vs the classic collector on Chronicle Map, per primitive, in one run.")
    static final class CollectorCpu implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Option(names = "--rate", defaultValue = "50k", paramLabel = "N", description = "Reports/s offered to each set-up. Default: ${DEFAULT-VALUE}.")
        String rate;

        @Option(names = "--setups", defaultValue = "dta,classic,chronicle", paramLabel = "S,..",
                description = "Set-ups: dta, classic, chronicle. Default: ${DEFAULT-VALUE}.")
        String setups;

        @Option(names = "--distribution", defaultValue = "uniform", paramLabel = "D", description = "Key distribution. Default: ${DEFAULT-VALUE}.")
        String distribution;

        @Option(names = "--senders", defaultValue = "1", paramLabel = "N", description = "Sender threads. Default: ${DEFAULT-VALUE}.")
        int senders;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return common.inWorkDir(dir -> CollectorCpuBenchmark.run(new CollectorCpuBenchmark.Options(Numbers.amount(rate, "rate"),
                    Numbers.duration(common.warmup, "warmup"), Numbers.duration(common.seconds, "seconds"), common.primitives(),
                    List.of(setups.split(",")), Numbers.count(common.keys, "keys"), distribution, common.sketchCounters, senders,
                    common.mode(), common.appendBatch(), dir), out, err));
        }
    }

    /** The packet path over veth in network namespaces (docs/performance.md "Packet path over veth"). */
    @Command(name = "path", mixinStandardHelpOptions = true, sortOptions = false,
            description = "The packet path over veth pairs in network namespaces made for the run (reporter ns -> translator ns -> "
                    + "collector ns; needs root): bare receive and forwarding loops, the software responder (WRITE, FETCH_ADD) and "
                    + "the software translator per primitive, per packet path, in one run. Table on stdout, progress on stderr.")
    static final class PathCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Measurement measurement;

        @Option(names = "--paths", defaultValue = "udp,raw,xdp", paramLabel = "P,..",
                description = "Packet paths: udp (kernel UDP sockets), raw (raw IPv4 sockets, exact ICRCs), xdp (AF_XDP, else the "
                        + "AF_PACKET ring; the translator takes reports on t0 through network.report-address). Default: ${DEFAULT-VALUE}.")
        String paths;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "N,..",
                description = "Data-plane thread counts of the software responder, each measured (e.g. 1,2; the translator runs one). "
                        + "Default: ${DEFAULT-VALUE}.")
        String threads;

        @Option(names = "--senders", defaultValue = "1", paramLabel = "N",
                description = "Sender threads (batched sendmmsg; their own CPU per packet is a column). Default: ${DEFAULT-VALUE}.")
        int senders;

        @Option(names = "--jit-settle", defaultValue = "10s", paramLabel = "D",
                description = "After the warm-up, wait up to this long for the JIT to go quiet. Default: ${DEFAULT-VALUE}.")
        String jitSettle;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Measurement m = measurement;
            List<Primitive> primitives = m.primitives();
            int appendBatch = m.appendBatch();
            return m.inWorkDir(dir -> net.dta.bench.PathBenchmark.run(new net.dta.bench.PathBenchmark.Options(
                    Numbers.duration(m.warmup, "warmup"), Numbers.duration(m.seconds, "seconds"), Numbers.duration(jitSettle, "jit-settle"),
                    List.of(paths.split(",")), primitives, threadCounts(), Numbers.count(m.keys, "keys"), m.sketchCounters, senders, appendBatch,
                    dir), out, err));
        }

        private List<Integer> threadCounts() {
            List<Integer> counts = new ArrayList<>();
            for (String t : threads.split(",")) {
                try {
                    counts.add(Integer.parseInt(t.strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("threads: \"" + t.strip() + "\" is not a number (e.g. --threads 1,2)");
                }
            }
            return counts;
        }
    }

    /** The software responder's benchmark (docs/performance.md "Responder ingest"). */
    @Command(name = "responder", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Software RoCEv2 responder ingest of Key-Write-sized RDMA WRITEs and Key-Increment FETCH_ADDs vs a "
                    + "bare receive loop on the same socket set-up, UDP and raw mode (raw needs root), in one run.")
    static final class Responder implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--mode", paramLabel = "udp|raw|both", defaultValue = "both", description = "Default: ${DEFAULT-VALUE}.")
        String mode;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "5", description = "Measuring window per set-up. Default: ${DEFAULT-VALUE}.")
        double seconds;

        @Option(names = "--senders", paramLabel = "N", defaultValue = "1", description = "Sender threads. Default: ${DEFAULT-VALUE}.")
        int senders;

        @Option(names = "--op", paramLabel = "write|atomic|both", defaultValue = "both",
                description = "RDMA WRITE Only (Key-Write), FETCH_ADD (Key-Increment) or both. Default: ${DEFAULT-VALUE}.")
        String op;

        @Option(names = "--threads", paramLabel = "N[,N...]", defaultValue = "1",
                description = "The responder's data-plane threads; a list measures each in the same run. Default: ${DEFAULT-VALUE}.")
        String threads;

        @Override
        public Integer call() throws Exception {
            return net.dta.bench.ResponderIngestBenchmark.run(new String[] {"--mode", mode, "--op", op, "--seconds",
                    Double.toString(seconds), "--senders", Integer.toString(senders), "--threads", threads}, System.out);
        }
    }
}
