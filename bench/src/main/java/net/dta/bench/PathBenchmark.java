package net.dta.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import net.dta.bench.netns.VethPath;
import net.dta.common.cli.Table;
import net.dta.packetio.Ipv4;
import net.dta.reporter.Primitive;
import net.dta.translator.config.Mode;

/**
 * The packet path measured over veth in network namespaces (issue 16 item 3): reporter namespace →
 * translator namespace → collector namespace ({@link VethPath}), made for the run and deleted after.
 * One JVM: each role's sockets are opened, and its components started, on a thread that entered the
 * role's namespace with setns(2) ({@link Placement}); the measuring threads stay where they are
 * (CPU time and counters do not depend on the namespace). Per packet path (udp, raw, xdp), in one run
 * (on xdp the translator and the bare forwarder take reports on t0, network.report-address, and send on t1):
 * <ul>
 *   <li>{@code bare-receive}: a bare recvmmsg loop in the collector namespace, fed Key-Write-sized
 *       RDMA WRITEs by senders in the translator namespace (the baseline of the responder rows);</li>
 *   <li>{@code responder-write}, {@code responder-fetch-add}: the software responder on the same path
 *       and senders, executing WRITEs, or FETCH_ADDs (each answered by an ATOMIC ACK);</li>
 *   <li>{@code bare-forward}: the translator bench's bare forwarding loop in the translator namespace
 *       (reports from the load generator in the reporter namespace, one datagram each to a sink in the
 *       collector namespace: the baseline of the translator rows);</li>
 *   <li>{@code translator}: the software translator per primitive, programmed by the switch controller,
 *       writing into a real collector in the collector namespace.</li>
 * </ul>
 */
public final class PathBenchmark {
    /** Translator-namespace addresses: the bare forwarder's (reports in, datagrams out). */
    private static final int BARE_FORWARDER = VethPath.TRANSLATOR_ADDRESS;
    /** Collector-namespace addresses: 0 the responder / bare receiver / collector, 1 the bare forwarder's sink. */
    private static final int SINK = VethPath.collectorAddress(1);

    /**
     * @param paths   packet paths: udp, raw, xdp
     * @param senders sender threads of the load (reports, and RDMA requests to the responder)
     * @param threads data-plane thread counts of the responder rows, each measured (the translator runs one: its rows say 1)
     */
    public record Options(Duration warmup, Duration window, Duration jitSettle, List<String> paths, List<Primitive> primitives,
                          List<Integer> threads, long keys, int sketchCounters, int senders, int appendBatch, Path workDir) {
    }

    /**
     * One measurement.
     *
     * @param setup          bare-receive, responder-write, responder-fetch-add, bare-forward, translator
     * @param primitive      the reports' primitive (translator and bare-forward rows), or "-"
     * @param sent           packets (or reports) the senders sent per second
     * @param rate           packets (or reports) per second the measured thread took in
     * @param executed       requests the responder executed per second (responder and translator rows), -1 otherwise
     * @param cpuNanos       CPU time of the measured thread per packet (report) taken in
     * @param senderCpuNanos CPU time of the sender threads per packet (report) sent
     * @param kernelDrops    packets the kernel dropped at the measured socket (its buffer full), -1 when unknown
     * @param baseline       the setup this row's ratio is taken against ("" for a baseline)
     * @param settled        translator rows: the whole run's totals once the load stopped and nothing was in flight; null otherwise
     */
    public record Row(String path, String setup, String primitive, int threads, double sent, double rate, double executed,
                      double cpuNanos, double senderCpuNanos, long kernelDrops, String baseline, Settled settled) {
        double capacity() {
            return 1e9 / cpuNanos;
        }

        double senderCapacity() {
            return 1e9 / senderCpuNanos;
        }
    }

    /**
     * A translator run's totals after the load stopped: reports the translator accepted and dropped, RDMA requests it sent,
     * requests the collector's responder executed, the resends and PSN queries among those sent (never executed twice: a
     * resend of an executed request is a duplicate, a PSN query is one by design), and whether every request sent was
     * executed or is one of those in time.
     */
    public record Settled(long reportsAccepted, long reportsDropped, long requestsSent, long requestsExecuted, long resentOrQueried,
                          boolean quiet) {
        /** Requests sent that were neither executed nor a resend or query: lost. */
        public long unexplained() {
            return Math.max(0, requestsSent - requestsExecuted - resentOrQueried);
        }
    }

    /** How long a translator run may take to drain what is in flight once the load stopped. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private PathBenchmark() {
    }

    public static List<Row> run(Options o, PrintWriter out, PrintWriter progress) throws Exception {
        for (String p : o.paths()) {
            if (!List.of("udp", "raw", "xdp").contains(p)) {
                throw new IllegalArgumentException("paths: unknown packet path \"" + p + "\" (udp, raw, xdp)");
            }
        }
        if (o.threads().isEmpty() || o.threads().stream().anyMatch(t -> t < 1 || t > 64)) {
            throw new IllegalArgumentException("threads: the responder's data-plane thread counts, each 1..64, got " + o.threads());
        }
        String why = VethPath.unavailable();
        if (why != null) {
            throw new IllegalStateException("the path benchmark makes network namespaces and veth pairs: " + why);
        }
        out.printf(Locale.ROOT, "packet path over veth: reporter ns -> translator ns -> collector ns, %d sender thread(s), "
                        + "%.0f s warm-up + %.0f s measured, %,d uniform keys, %d sketch counters per report, Append batches of %d, "
                        + "responder data-plane threads %s%n", o.senders(), o.warmup().toNanos() / 1e9, o.window().toNanos() / 1e9, o.keys(),
                o.sketchCounters(), o.appendBatch(), o.threads());
        out.println(Machine.describe());
        out.flush();
        List<Row> rows = new ArrayList<>();
        progress.println("making the network namespaces and veth pairs...");
        progress.flush();
        try (VethPath path = VethPath.create()) {
            progress.println("namespaces: " + String.join(", ", path.namespaces()));
            progress.flush();
            Placement placement = Placement.on(path);
            for (String p : o.paths()) {
                rows.addAll(responderRows(placement, p, o, progress));
                rows.addAll(translatorRows(placement, p, o, progress));
            }
        }
        print(rows, out);
        return rows;
    }

    private static List<Row> responderRows(Placement placement, String path, Options o, PrintWriter progress) throws Exception {
        // xdp: the responder side in xdp mode, the senders on raw sockets (exact ICRCs, as xdp mode verifies them).
        boolean raw = !path.equals("udp");
        ResponderIngestBenchmark.Site site = new ResponderIngestBenchmark.Site(placement, VethPath.collectorAddress(0),
                VethPath::senderAddress, path.equals("xdp"));
        double seconds = o.window().toNanos() / 1e9;
        List<Row> rows = new ArrayList<>();
        List<String> setups = new ArrayList<>(List.of("bare-receive"));
        List<Integer> counts = new ArrayList<>(List.of(1));
        for (int t : o.threads()) {
            setups.addAll(List.of("responder-write", "responder-fetch-add"));
            counts.addAll(List.of(t, t));
        }
        for (int i = 0; i < setups.size(); i++) {
            String setup = setups.get(i);
            int threads = counts.get(i);
            progress.printf(Locale.ROOT, "%s/%s (%d thread(s)): measuring %.0f s after 1 s of warm-up...%n", path, setup, threads,
                    seconds);
            progress.flush();
            ResponderIngestBenchmark.Result r = switch (setup) {
                case "bare-receive" -> ResponderIngestBenchmark.measureBare(site, raw, false, false, seconds, o.senders());
                case "responder-write" -> ResponderIngestBenchmark.measureResponder(site, raw, false, threads, seconds, o.senders());
                default -> ResponderIngestBenchmark.measureResponder(site, raw, true, threads, seconds, o.senders());
            };
            Row row = new Row(path, setup, "-", threads, r.sentPerSecond(),
                    r.receivedPerSecond(), r.executedPerSecond(),
                    r.cpuNanosPerPacket(), r.senderCpuNanosPerPacket(), r.kernelDrops(), setup.equals("bare-receive") ? "" : "bare-receive",
                    null);
            progress.printf(Locale.ROOT, "  %s/%s: %,.0f packets/s received, %.0f ns/packet, sender %.0f ns/packet, %d NAKs%s%n", path,
                    setup, row.rate(), row.cpuNanos(), row.senderCpuNanos(), r.naks(), r.health().isEmpty() ? "" : "; " + r.health());
            progress.flush();
            rows.add(row);
        }
        return rows;
    }

    private static List<Row> translatorRows(Placement placement, String path, Options o, PrintWriter progress) throws Exception {
        Mode mode = Mode.ofConfigName(path);
        // xdp: reports arrive on t0 (network.report-address), RoCEv2 leaves on t1 (network.address): one channel per
        // interface, as on a translator box between two links.
        boolean xdp = mode == Mode.XDP;
        int reportAddress = xdp ? VethPath.TRANSLATOR_REPORT_SIDE : BARE_FORWARDER;
        java.util.function.UnaryOperator<net.dta.translator.config.TranslatorConfig> reportsApart = !xdp
                ? java.util.function.UnaryOperator.identity()
                : c -> c.withNetwork(c.network().withReportAddress(net.dta.protocol.Addresses.inet4(reportAddress)));
        TranslatorThroughputBenchmark.Options to = new TranslatorThroughputBenchmark.Options(o.warmup(), o.window(), o.jitSettle(),
                o.primitives(), List.of(), o.keys(), o.sketchCounters(), o.senders(), mode, o.appendBatch(), o.workDir(), "none");
        DtaDeployment.Site site = new DtaDeployment.Site(placement, Ipv4.format(VethPath.TRANSLATOR_ADDRESS), "127.0.0.1",
                i -> Ipv4.format(VethPath.collectorAddress(i)));
        List<Row> rows = new ArrayList<>();
        // The bare loop's cost does not depend on the primitive: measured once, with the first primitive's reports.
        Primitive first = o.primitives().get(0);
        try (TranslatorThroughputBenchmark.ForwardingSetup bare = new TranslatorThroughputBenchmark.BareSetup(placement,
                path, reportAddress, BARE_FORWARDER, TranslatorThroughputBenchmark.BARE_REPORT_PORT, SINK)) {
            rows.add(row(path, "bare-forward", first, o, TranslatorThroughputBenchmark.measure(placement, bare, load(first), to, progress),
                    "", null));
        }
        for (Primitive p : o.primitives()) {
            Path dir = Files.createDirectories(o.workDir().resolve("path-" + path + "-" + p.shortName()));
            try (DtaDeployment d = new DtaDeployment(site, dir, 1, mode, o.appendBatch(), "translator", reportsApart, false)) {
                if (xdp) {
                    var n = d.translator().status().network();
                    progress.println("  xdp translator: reports " + n.reportSocket() + "; RoCEv2 " + n.roceSocket());
                    progress.flush();
                }
                TranslatorThroughputBenchmark.Row r = TranslatorThroughputBenchmark.measure(placement, d, load(p), to, progress);
                Settled settled = settle(d, p);
                progress.printf(Locale.ROOT, "  %s/%s after the load: %,d reports accepted, %,d dropped, %,d requests sent (%,d of them "
                                + "resends or PSN queries), %,d executed%s%n",
                        path, p.shortName(), settled.reportsAccepted(), settled.reportsDropped(), settled.requestsSent(),
                        settled.resentOrQueried(), settled.requestsExecuted(), settled.quiet() ? "" : " (still in flight after " + SETTLE.toSeconds() + " s)");
                progress.flush();
                rows.add(row(path, "translator", p, o, r, "bare-forward", settled));
            }
        }
        return rows;
    }

    private static TranslatorThroughputBenchmark.Load load(Primitive p) {
        return new TranslatorThroughputBenchmark.Load(p.shortName(), p.shortName() + "=1");
    }

    /** Translator and bare-forward rows: one forwarding thread (the translator runs one data-plane thread). */
    private static Row row(String path, String setup, Primitive p, Options o, TranslatorThroughputBenchmark.Row r, String baseline,
                           Settled settled) {
        return new Row(path, setup, p.shortName(), 1, r.offered(), r.reports(),
                setup.equals("translator") ? r.received() : -1, r.cpuNanos(), r.senderCpuNanos(), r.kernelDrops(), baseline, settled);
    }

    /** Waits until every request the translator sent was executed (or {@link #SETTLE} passed) and takes the totals. */
    private static Settled settle(DtaDeployment d, Primitive p) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (d.packetsSent() - d.packetsReceived() > d.resentOrQueried() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long sent = d.packetsSent();
        long executed = d.packetsReceived();
        long extra = d.resentOrQueried();
        return new Settled(d.reports(p), d.dropped(), sent, executed, extra, sent - executed <= extra);
    }

    static void print(List<Row> rows, PrintWriter out) {
        Table t = new Table("PATH", "SETUP", "PRIMITIVE", "THREADS", "SENT/S", "RECEIVED/S", "EXECUTED/S", "CPU-NS/PKT", "CAPACITY/S",
                "VS-BARE", "KERNEL-DROPS", "SENDER-CPU-NS/PKT", "SENDER-CAPACITY/S");
        for (Row r : rows) {
            Row bare = r.baseline().isEmpty() ? r : rows.stream()
                    .filter(x -> x.path().equals(r.path()) && x.setup().equals(r.baseline())).findFirst().orElse(null);
            t.row(r.path(), r.setup(), r.primitive(), r.threads(), fmt(r.sent()), fmt(r.rate()), r.executed() < 0 ? "-" : fmt(r.executed()),
                    fmt(r.cpuNanos()), fmt(r.capacity()),
                    bare == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.capacity() / bare.capacity()),
                    r.kernelDrops() < 0 ? "-" : fmt(r.kernelDrops()), fmt(r.senderCpuNanos()), fmt(r.senderCapacity()));
        }
        t.print(out, "");
        out.flush();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
