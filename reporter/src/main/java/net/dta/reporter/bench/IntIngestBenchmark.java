package net.dta.reporter.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import net.dta.common.cli.Table;
import net.dta.rdma.net.Ipv4;
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
                rows[0] = measure("dta", d, o, () -> g.run(p -> { }, Duration.ofSeconds(1)), g::stop, 0, null);
            }
            progress.println("int-ingest: INT-MD sink reports of the same " + o.hops() + "-hop paths");
            progress.flush();
            IntLoad.Spec is = new IntLoad.Spec(intTarget, 0, total, Long.MAX_VALUE, 1 << 16, o.hops(), o.hops(),
                    IntIngestConfig.DEFAULT_INT_UDP_PORT, 0, 1);
            try (IntLoad load = IntLoad.open(is)) {
                rows[1] = measure("int", d, o, () -> load.run(line -> { }, Duration.ofSeconds(1)), load::stop, 1, d);
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
    private static Row measure(String format, DtaDeployment d, Options o, Body load, Runnable stop, int which, DtaDeployment intSide)
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
        Counters c = d.translator().pipeline().counters();
        long cpu0 = ThreadCpu.nanos(d.forwardingThread());
        long pc0 = c.packets(Counters.REPORTS, Primitive.POSTCARD.opcode());
        long w0 = d.packetsSent();
        long in0 = which == 1 ? intSide.translator().intIngress().count(net.dta.translator.telemetry.IntCounter.DATAGRAMS)
                : pc0;
        long drop0 = d.dropped();
        long t0 = System.nanoTime();
        Thread.sleep(o.window().toMillis());
        long cpu1 = ThreadCpu.nanos(d.forwardingThread());
        long pc1 = c.packets(Counters.REPORTS, Primitive.POSTCARD.opcode());
        long w1 = d.packetsSent();
        long in1 = which == 1 ? intSide.translator().intIngress().count(net.dta.translator.telemetry.IntCounter.DATAGRAMS)
                : pc1;
        long drop1 = d.dropped();
        double secs = (System.nanoTime() - t0) / 1e9;
        stop.run();
        sender.join();
        double paths = (pc1 - pc0) / (double) o.hops();
        return new Row(format, (in1 - in0) / secs, (pc1 - pc0) / secs, paths / secs, (w1 - w0) / secs,
                paths == 0 ? 0 : (cpu1 - cpu0) / paths, drop1 - drop0);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
