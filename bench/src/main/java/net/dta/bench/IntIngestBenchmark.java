package net.dta.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import net.dta.common.cli.Table;
import net.dta.packetio.Ipv4;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.reporter.load.IntLoad;
import net.dta.reporter.load.LoadGenerator;
import net.dta.reporter.load.LoadSpec;
import net.dta.translator.config.IntIngestConfig;
import net.dta.translator.config.Mode;
import net.dta.translator.pipeline.Counters;

/**
 * INT ingest next to the DTA path for the same primitive, in one run (docs/performance.md "INT
 * ingest"): one translator with INT ingest on, one collector; first DTA Postcard reports of
 * {@code hops}-hop paths, then INT-MD sink reports of the same paths, each sent as fast as one load
 * thread can. Both end as the same Postcard reports in the same engine, so the rows compare paths
 * per second and the data-plane thread's CPU time per path.
 */
public final class IntIngestBenchmark {
    static final int POSTCARD_STORE = 3;

    public record Options(Duration warmup, Duration window, int hops, Mode mode, Path workDir) {
    }

    /** One measured window. */
    public record Row(String format, double datagrams, double postcards, double paths, double writes, double cpuNanosPerPath,
                      long dropped) {
    }

    private IntIngestBenchmark() {
    }

    public static Row[] run(Options o, PrintWriter out, PrintWriter progress) throws Exception {
        IntIngestConfig mapping = new IntIngestConfig(true, 0, IntIngestConfig.DEFAULT_INT_UDP_PORT,
                new IntIngestConfig.Postcards(POSTCARD_STORE, IntIngestConfig.HopValue.SWITCH_AND_QUEUE, 64, 0),
                new IntIngestConfig.Flows(0, false), new IntIngestConfig.Drops(0, 0), new IntIngestConfig.Queues(0));
        Row[] rows = new Row[2];
        try (DtaDeployment d = new DtaDeployment(o.workDir(), 1, o.mode(), 16, "int-bench", c -> c.withIntIngest(mapping))) {
            ReporterOptions dta = d.target();
            ReporterOptions intTarget = ReporterOptions.to(Ipv4.parse(DtaDeployment.TRANSLATOR_ADDRESS))
                    .withPort(d.translator().intAddress().getPort());
            Duration total = o.warmup().plus(o.window()).plusSeconds(1);
            progress.println("int-ingest: DTA postcards of " + o.hops() + "-hop paths (warm-up " + o.warmup().toMillis() + " ms, window "
                    + o.window().toMillis() + " ms)");
            progress.flush();
            LoadSpec spec = LoadSpec.builder(dta).rate(0).mix("pc=1").keys(1 << 16).pathLength(o.hops(), o.hops()).flowsInFlight(2)
                    .duration(total).seed(1).build();
            try (LoadGenerator g = LoadGenerator.open(spec)) {
                rows[0] = measure("dta", d, o, () -> g.run(p -> { }, Duration.ofSeconds(1)), g::stop, 0);
            }
            quiesce(d);
            progress.println("int-ingest: INT-MD sink reports of the same " + o.hops() + "-hop paths");
            progress.flush();
            IntLoad.Spec is = new IntLoad.Spec(intTarget, 0, total, Long.MAX_VALUE, 1 << 16, o.hops(), o.hops(),
                    IntIngestConfig.DEFAULT_INT_UDP_PORT, 0, 1);
            try (IntLoad load = IntLoad.open(is)) {
                rows[1] = measure("int", d, o, () -> load.run(line -> { }, Duration.ofSeconds(1)), load::stop, 1);
            }
        }
        Table t = new Table("FORMAT", "DATAGRAMS/S", "POSTCARDS/S", "PATHS/S", "ROW-WRITES/S", "CPU-NS/PATH", "VS-DTA", "DROPPED");
        for (Row r : rows) {
            t.row(r.format(), fmt(r.datagrams()), fmt(r.postcards()), fmt(r.paths()), fmt(r.writes()), fmt(r.cpuNanosPerPath()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * rows[0].cpuNanosPerPath() / r.cpuNanosPerPath()), r.dropped());
        }
        t.print(out, "");
        out.flush();
        return rows;
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs the load in a thread; measures the window after the warm-up. */
    private static Row measure(String format, DtaDeployment d, Options o, Body load, Runnable stop, int which)
            throws Exception {
        Thread sender = new Thread(() -> {
            try {
                load.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "int-bench-load-" + format);
        sender.start();
        Thread.sleep(o.warmup().toMillis());
        Snapshot a = Snapshot.of(d, which == 1);
        Thread.sleep(o.window().toMillis());
        Snapshot b = Snapshot.of(d, which == 1);
        double secs = (b.nanos() - a.nanos()) / 1e9;
        stop.run();
        sender.join();
        double paths = (b.postcards() - a.postcards()) / (double) o.hops();
        return new Row(format, (b.datagrams() - a.datagrams()) / secs, (b.postcards() - a.postcards()) / secs, paths / secs,
                (b.writes() - a.writes()) / secs, paths == 0 ? 0 : (b.cpu() - a.cpu()) / paths, b.dropped() - a.dropped());
    }

    /** Waits until the translator has taken in what was sent (no postcard accepted for 300 ms), so that one run's backlog does not count in the next. */
    private static void quiesce(DtaDeployment d) throws InterruptedException {
        Counters c = d.translator().pipeline().counters();
        long last = -1;
        for (int i = 0; i < 100; i++) {
            long now = c.packets(Counters.REPORTS, Primitive.POSTCARD.opcode()) + d.dropped();
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(300);
        }
    }

    /** The counters a window is the difference of; datagrams are INT datagrams, or postcards for DTA (one each). */
    private record Snapshot(long nanos, long cpu, long postcards, long writes, long datagrams, long dropped) {
        static Snapshot of(DtaDeployment d, boolean intFormat) {
            long postcards = d.translator().pipeline().counters().packets(Counters.REPORTS, Primitive.POSTCARD.opcode());
            return new Snapshot(System.nanoTime(), ThreadCpu.nanos(d.forwardingThread()), postcards, d.packetsSent(),
                    intFormat ? d.translator().intIngress().count(net.dta.translator.telemetry.IntCounter.DATAGRAMS) : postcards,
                    d.dropped());
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
