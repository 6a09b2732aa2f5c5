package net.dta.reporter.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.dta.reporter.ReporterOptions;
import net.dta.reporter.load.IntLoad;
import net.dta.reporter.load.LoadGenerator;
import net.dta.reporter.load.LoadResult;
import net.dta.reporter.load.LoadSpec;
import net.dta.reporter.load.LoadSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reporter load}: any mix of primitives at a target rate, with progress and a summary. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a mix of DTA reports at a target rate for a duration or a count.",
                "A progress line goes to stderr every --progress interval; the summary (or --json) to stdout.",
                "Numbers take k/M/G suffixes or 2^N (100k, 1.5M, 2^20); durations 500ms, 10s, 2m."},
        footer = {"", "Examples:",
                "  reporter load --rate 100k --duration 10s",
                "  reporter load --to 10.0.0.1 --rate max --count 5M --threads 2 --mix kw=1",
                "  reporter load --rate 50k --duration 30s --keys 2^20 --distribution zipf:1.1 --path-length 3-5 --json",
                "  reporter load --format int --to 127.0.0.10:40050 --rate 20k --duration 10s   # INT v2.0 reports (docs/int.md)"})
public final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--to", paramLabel = "HOST[:PORT]", defaultValue = "127.0.0.1:40040",
            description = "Translator address (port default 40040). Default: ${DEFAULT-VALUE}.")
    String to;

    @Option(names = "--format", paramLabel = "dta|int", defaultValue = "dta",
            description = {"dta: DTA reports (protocol.md). int: P4.org Telemetry Report v2.0 datagrams for a translator's INT "
                    + "ingest (docs/int.md): INT-MD sink reports of paths of --path-length hops (default 1-6) with hop latency and "
                    + "queue metadata, and --int-drop-share each of drop and queue reports; --to's port defaults to 40050. "
                    + "--mix, --stores, --distribution and the kw/ki/sketch options apply to dta only. Default: ${DEFAULT-VALUE}."})
    String format;

    @Option(names = "--int-udp-port", paramLabel = "PORT", defaultValue = "5000",
            description = "With --format int: the UDP port marking INT over UDP in the reported packets (the translator's "
                    + "int.int-udp-port). Default: ${DEFAULT-VALUE}.")
    int intUdpPort;

    @Option(names = "--int-drop-share", paramLabel = "F", defaultValue = "0.05",
            description = "With --format int: fraction of drop reports, and the same of queue reports, 0..0.5. Default: ${DEFAULT-VALUE}.")
    double intDropShare;

    @Option(names = "--rate", paramLabel = "N|max", defaultValue = "100k",
            description = "Reports per second over all threads, or max (as fast as possible). Default: ${DEFAULT-VALUE}.")
    String rate;

    @Option(names = "--duration", paramLabel = "D", description = "How long to send (e.g. 10s).")
    String duration;

    @Option(names = "--count", paramLabel = "N", description = "How many reports to send (with --duration: whichever comes first).")
    String count;

    @Option(names = "--mix", paramLabel = "P=W,..", defaultValue = "kw=40,ki=30,pc=20,ap=5,sk=5",
            description = "Relative weights of kw (Key-Write), ki (Key-Increment), pc (Postcard), ap (Append), sk (Sketch-Merge) "
                    + "reports; primitives not named are not sent. Default: ${DEFAULT-VALUE}.")
    String mix;

    @Option(names = "--stores", paramLabel = "P=ID,..", defaultValue = "kw=1,ki=2,pc=3,ap=4,sk=5",
            description = "Store id of each primitive (those of collector/collector.example.yaml by default). Default: ${DEFAULT-VALUE}.")
    String stores;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "2^20",
            description = "Key space size: distinct 5-tuple keys and flows. Default: ${DEFAULT-VALUE}.")
    String keys;

    @Option(names = "--distribution", paramLabel = "uniform|zipf:S", defaultValue = "uniform",
            description = "How keys are drawn: uniform, or Zipf with exponent S (e.g. zipf:1.1). Default: ${DEFAULT-VALUE}.")
    String distribution;

    @Option(names = "--kw-value-bytes", paramLabel = "4|12|28", defaultValue = "4",
            description = "Key-Write value size (the store's slot size minus 4). Default: ${DEFAULT-VALUE}.")
    int kwValueBytes;

    @Option(names = "--kw-redundancy", paramLabel = "N", defaultValue = "0",
            description = "Key-Write slots per report, 1..8, 0 = the store's default. Default: ${DEFAULT-VALUE}.")
    int kwRedundancy;

    @Option(names = "--ki-redundancy", paramLabel = "N", defaultValue = "0",
            description = "Key-Increment counter rows per report, 0 = all (recommended). Default: ${DEFAULT-VALUE}.")
    int kiRedundancy;

    @Option(names = "--path-length", paramLabel = "L|MIN-MAX", defaultValue = "5",
            description = "Hops of each flow's path (one postcard per hop), fixed or drawn per flow from MIN-MAX. Default: ${DEFAULT-VALUE}.")
    String pathLength;

    @Option(names = "--flows-in-flight", paramLabel = "N", defaultValue = "16",
            description = "Flows per thread whose postcards interleave. Default: ${DEFAULT-VALUE}.")
    int flowsInFlight;

    @Option(names = "--lists", paramLabel = "N", defaultValue = "4",
            description = "Append lists the events are spread over (the store's lists or fewer). Default: ${DEFAULT-VALUE}.")
    int lists;

    @Option(names = "--sketch-rows", paramLabel = "N", defaultValue = "2", description = "Sketch rows. Default: ${DEFAULT-VALUE}.")
    int sketchRows;

    @Option(names = "--sketch-columns", paramLabel = "N", defaultValue = "2^16",
            description = "Sketch columns per row (a power of two, as the store's). Default: ${DEFAULT-VALUE}.")
    String sketchColumns;

    @Option(names = "--sketch-counters", paramLabel = "N", defaultValue = "16",
            description = "Counters per Sketch-Merge report, 1..16. Default: ${DEFAULT-VALUE}.")
    int sketchCounters;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Sending threads, each with its own socket and a share of the rate. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
            description = "Reports per sendmmsg call, 1..1024. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--progress", paramLabel = "D", defaultValue = "1s",
            description = "Interval of the progress line on stderr. Default: ${DEFAULT-VALUE}.")
    String progress;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ("int".equals(format)) {
            return intLoad(out, err);
        }
        if (!"dta".equals(format)) {
            throw new IllegalArgumentException("format: dta or int, got \"" + format + "\"");
        }
        LoadSpec load = spec();
        Duration interval = Numbers.duration(progress, "progress");
        try (LoadGenerator generator = LoadGenerator.open(load)) {
            CountDownLatch done = new CountDownLatch(1);
            // Ctrl-C: stop sending, let the summary print, then exit.
            Thread hook = new Thread(() -> {
                generator.stop();
                try {
                    done.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "dta-load-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            LoadResult result;
            try {
                result = generator.run(p -> {
                    if (!quiet) {
                        err.println(LoadSummary.progressLine(p, load.rate()));
                        err.flush();
                    }
                }, interval);
                if (json) {
                    out.println(LoadSummary.json(result));
                    out.flush();
                } else {
                    LoadSummary.printText(result, out);
                }
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it only waits for `done`
                }
            }
            if (result.sendErrors() > 0) {
                err.println("load: " + result.sendErrors() + " reports were refused by the kernel (see the log line above for why)");
                return ExitCode.SOFTWARE;
            }
            return ExitCode.OK;
        }
    }

    /** {@code --format int}: Telemetry Report v2.0 datagrams (docs/int.md). */
    private int intLoad(PrintWriter out, PrintWriter err) throws Exception {
        IntLoad.Spec s = intSpec();
        try (IntLoad load = IntLoad.open(s)) {
            Thread hook = new Thread(load::stop, "dta-int-load-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            IntLoad.Result r;
            try {
                r = load.run(line -> {
                    if (!quiet) {
                        err.println(line);
                        err.flush();
                    }
                }, Numbers.duration(progress, "progress"));
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook only sets a flag
                }
            }
            if (json) {
                out.printf("{\"format\":\"int\",\"datagrams\":%d,\"sink_reports\":%d,\"hops\":%d,\"drop_reports\":%d,"
                        + "\"queue_reports\":%d,\"send_errors\":%d,\"seconds\":%.3f,\"rate\":%.1f}%n", r.datagrams(), r.sinkReports(),
                        r.hops(), r.dropReports(), r.queueReports(), r.sendErrors(), r.seconds(), r.rate());
            } else {
                out.printf("sent %,d INT datagrams to %s in %.1f s (%,.0f/s): %,d INT-MD sink reports (%,d hops, %.2f per path), "
                        + "%,d drop reports, %,d queue reports; %d send errors%n", r.datagrams(), s.target().target(), r.seconds(),
                        r.rate(), r.sinkReports(), r.hops(), r.sinkReports() == 0 ? 0.0 : (double) r.hops() / r.sinkReports(),
                        r.dropReports(), r.queueReports(), r.sendErrors());
            }
            out.flush();
            if (r.sendErrors() > 0) {
                err.println("load: " + r.sendErrors() + " datagrams were refused by the kernel");
                return ExitCode.SOFTWARE;
            }
            return ExitCode.OK;
        }
    }

    IntLoad.Spec intSpec() {
        ReporterOptions target = ReporterOptions.parse(to).withBatchSize(checkBatch(batch));
        if (!to.contains(":")) {
            target = target.withPort(40050);
        }
        int min = 1;
        int max = 6;
        if (spec.commandLine().getParseResult().hasMatchedOption("--path-length")) {
            String[] path = pathLength.strip().split("-", -1);
            try {
                min = Integer.parseInt(path[0].strip());
                max = path.length == 2 ? Integer.parseInt(path[1].strip()) : min;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("path-length: give L or MIN-MAX (e.g. 5 or 1-6), got \"" + pathLength + "\"");
            }
        }
        if (intDropShare < 0 || intDropShare > 0.5) {
            throw new IllegalArgumentException("int-drop-share: must be 0..0.5, got " + intDropShare);
        }
        if (intUdpPort < 1 || intUdpPort > 65535) {
            throw new IllegalArgumentException("int-udp-port: must be 1..65535, got " + intUdpPort);
        }
        long n = count == null ? Long.MAX_VALUE : Numbers.count(count, "count");
        return new IntLoad.Spec(target, rate.strip().equalsIgnoreCase("max") ? 0 : Numbers.amount(rate, "rate"),
                duration == null ? null : Numbers.duration(duration, "duration"), n, Math.max(1, Numbers.count(keys, "keys")), min, max,
                intUdpPort, intDropShare, seed);
    }

    /** The options as a validated spec; bad values throw IllegalArgumentException naming the option. */
    LoadSpec spec() {
        ReporterOptions target = ReporterOptions.parse(to).withBatchSize(checkBatch(batch));
        LoadSpec.Builder b = LoadSpec.builder(target)
                .rate(rate.strip().equalsIgnoreCase("max") ? 0 : Numbers.amount(rate, "rate"))
                .mix(mix)
                .stores(stores)
                .keys(Numbers.count(keys, "keys"))
                .distribution(distribution)
                .keyWriteValueBytes(kwValueBytes)
                .keyWriteRedundancy(kwRedundancy)
                .keyIncrementRedundancy(kiRedundancy)
                .flowsInFlight(flowsInFlight)
                .lists(lists)
                .threads(threads)
                .seed(seed);
        if (duration != null) {
            b.duration(Numbers.duration(duration, "duration"));
        }
        if (count != null) {
            long n = Numbers.count(count, "count");
            if (n < 1) {
                throw new IllegalArgumentException("count: must be at least 1, got " + count);
            }
            b.count(n);
        }
        String[] path = pathLength.strip().split("-", -1);
        if (path.length > 2) {
            throw new IllegalArgumentException("path-length: give L or MIN-MAX (e.g. 5 or 3-5), got \"" + pathLength + "\"");
        }
        try {
            int min = Integer.parseInt(path[0].strip());
            int max = path.length == 2 ? Integer.parseInt(path[1].strip()) : min;
            b.pathLength(min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("path-length: give L or MIN-MAX (e.g. 5 or 3-5), got \"" + pathLength + "\"");
        }
        long columns = Numbers.count(sketchColumns, "sketch-columns");
        if (columns < 2 || Long.bitCount(columns) != 1 || columns > 1L << 29) {
            throw new IllegalArgumentException("sketch-columns: must be a power of two 2..2^29, got " + sketchColumns);
        }
        b.sketch(sketchRows, Long.numberOfTrailingZeros(columns), sketchCounters);
        return b.build();
    }

    private static int checkBatch(int batch) {
        if (batch < 1 || batch > ReporterOptions.MAX_BATCH) {
            throw new IllegalArgumentException("batch: must be 1.." + ReporterOptions.MAX_BATCH + " reports, got " + batch);
        }
        return batch;
    }
}
