package net.dta.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import net.dta.bench.netns.VethPath;
import net.dta.common.cli.Table;
import net.dta.packetio.Ipv4;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.reporter.load.LoadSpec;
import net.dta.translator.config.Mode;

/**
 * Translator throughput (issue item 6): reports per second through the software translator per
 * primitive and the RoCEv2 packets per second it emits towards software collectors on loopback,
 * against a bare UDP forwarding loop with the translator's socket set-up in the same run
 * ({@link BareForwarder}: one datagram out per report, no processing). Senders send as fast as
 * they can; the rates achieved and the forwarding thread's CPU time per report are measured over
 * the window.
 */
public final class TranslatorThroughputBenchmark {
    static final int BARE_ADDRESS = Ipv4.parse(BenchAddresses.host(101));
    static final int BARE_SINK_ADDRESS = Ipv4.parse(BenchAddresses.host(102));
    static final int BARE_REPORT_PORT = 40040;

    /** What the benchmark needs from a forwarding set-up. */
    public interface ForwardingSetup extends AutoCloseable {
        String name();

        ReporterOptions target();

        /** The thread that receives reports and emits packets. */
        Thread forwardingThread();

        /** Reports of a primitive it took in (accepted, for the translator). */
        long reports(Primitive p);

        /** Reports of these primitives it took in (a mixed load's). */
        default long reports(List<Primitive> primitives) {
            long sum = 0;
            for (Primitive p : primitives) {
                sum += reports(p);
            }
            return sum;
        }

        /** Packets it emitted. */
        long packetsSent();

        /** Packets the receiving end took: requests the collectors executed (WRITEs and FETCH_ADDs), or datagrams the sink got. */
        long packetsReceived();

        /** Reports it dropped (any reason), or 0. */
        long dropped();

        /**
         * Reports it accepted and then lost (the translator's ledger, every reason: mostly a full
         * retransmit window when the collector falls behind), -1 when it does not count them.
         */
        default long lost() {
            return -1;
        }

        /** Reports the kernel dropped at its report socket (the receive buffer was full), -1 when unknown. */
        default long kernelDrops() {
            return -1;
        }

        /** A line about losses and errors on the way (empty when there is nothing to say). */
        default String health() {
            return "";
        }

        @Override
        void close() throws Exception;
    }

    /**
     * @param jitSettle after the warm-up, how long at most to wait for the JIT to go quiet before measuring
     *                  (zero: measure right after the warm-up, as before 2026-12-08)
     * @param mix       weights of a mixed load measured after the per-primitive rows, as the reporter's
     *                  {@code --mix} takes them ("kw=1,ki=1,pc=1,ap=1,sk=1": one stream interleaving the
     *                  primitives, as a translator in production sees them), or "none"
     */
    public record Options(Duration warmup, Duration window, Duration jitSettle, List<Primitive> primitives, List<String> setups,
                          long keys, int sketchCounters, int senders, Mode mode, int appendBatch, Path workDir, String mix) {
        /** The loads measured, in order: one per primitive, then the mix (unless "none"). */
        List<Load> loads() {
            List<Load> loads = new ArrayList<>();
            for (Primitive p : primitives) {
                loads.add(new Load(p.shortName(), p.shortName() + "=1"));
            }
            if (!mix.isBlank() && !mix.strip().equalsIgnoreCase("none")) {
                loads.add(new Load(MIX, mix.strip()));
            }
            return loads;
        }
    }

    /** The name of the mixed load's rows. */
    public static final String MIX = "mix";

    /** What the load generator sends: one primitive, or several interleaved ({@code weights} as LoadSpec's mix takes them). */
    record Load(String name, String weights) {
    }

    /**
     * @param cpuNanos    CPU time of the forwarding thread per report taken in
     * @param kernelDrops reports the kernel dropped at the report socket (its receive buffer full), -1 when unknown
     * @param jitMillis   milliseconds the JIT compilers worked during the window (a recompilation of the hot loop shows here)
     * @param lost        reports accepted and then lost (retransmit window full, ...), -1 when unknown
     * @param senderCpuNanos CPU time of the load generator's sender threads per report sent (its own cost: is the sender the limit?)
     */
    public record Row(String load, String setup, double offered, double reports, double packets, double received,
                      double cpuNanos, long dropped, long kernelDrops, long jitMillis, long lost, double senderCpuNanos) {
        /** Reports/s one forwarding thread could take with a core to itself. */
        double capacity() {
            return 1e9 / cpuNanos;
        }
    }

    private TranslatorThroughputBenchmark() {
    }

    public static List<Row> run(Options o, PrintWriter out, PrintWriter progress) throws Exception {
        for (String s : o.setups()) {
            if (!List.of("bare", "translator").contains(s)) {
                throw new IllegalArgumentException("setups: unknown set-up \"" + s + "\" (bare, translator)");
            }
        }
        out.printf(Locale.ROOT, "translator throughput: senders as fast as possible (%d thread(s)), %.0f s warm-up + %.0f s measured, "
                        + "%,d uniform keys, %d sketch counters per report, %s mode, Append batches of %d, one software collector%n",
                o.senders(), o.warmup().toNanos() / 1e9, o.window().toNanos() / 1e9, o.keys(), o.sketchCounters(),
                o.mode().configName(), o.appendBatch());
        out.println(Machine.describe());
        out.flush();
        List<Row> rows = new ArrayList<>();
        for (Load load : o.loads()) {
            for (String setup : o.setups()) {
                Path dir = Files.createDirectories(o.workDir().resolve("tp-" + load.name() + "-" + setup));
                try (ForwardingSetup s = open(setup, dir, o)) {
                    rows.add(measure(Placement.HERE, s, load, o, progress));
                }
            }
        }
        print(rows, out);
        return rows;
    }

    private static ForwardingSetup open(String setup, Path dir, Options o) throws Exception {
        return switch (setup) {
            case "bare" -> new BareSetup(Placement.HERE, false, BARE_ADDRESS, BARE_REPORT_PORT, BARE_SINK_ADDRESS);
            case "translator" -> new DtaDeployment(dir, 1, o.mode(), o.appendBatch(), "translator");
            default -> throw new IllegalArgumentException("setups: unknown set-up " + setup + " (bare, translator)");
        };
    }

    /** @param placement where the load generator runs: the reporter role's namespace */
    static Row measure(Placement placement, ForwardingSetup s, Load load, Options o, PrintWriter progress) throws Exception {
        int address = s.target().destination();
        // xdp mode: an AF_XDP socket is in no /proc socket table; its channel's own count (XDP_STATISTICS, or the
        // ring's PACKET_STATISTICS) is read through a file descriptor, which works from any namespace.
        return measure(placement, s, load, o, progress, o.mode() == Mode.XDP ? s::kernelDrops
                : placement.drops(VethPath.Role.TRANSLATOR, o.mode() == Mode.RAW, address, s.target().port(), s::kernelDrops));
    }

    /** @param kernelDrops reports the kernel dropped at the report socket so far (-1 unknown) */
    private static Row measure(Placement placement, ForwardingSetup s, Load load, Options o, PrintWriter progress,
                               LongSupplier kernelDrops) throws Exception {
        LoadSpec spec = LoadSpec.builder(s.target()).rate(0).duration(o.warmup().plus(o.window()).plusSeconds(30))
                .mix(load.weights()).keys(o.keys()).sketch(2, 16, o.sketchCounters()).flowsInFlight(2).threads(o.senders()).build();
        List<Primitive> sent = new ArrayList<>();
        for (Primitive p : Primitive.values()) {
            if (spec.uses(p)) {
                sent.add(p);
            }
        }
        boolean dropsKnown = kernelDrops.getAsLong() >= 0;
        boolean lossKnown = s.lost() >= 0;
        Window.Probe probe = new Window.Probe(new LongSupplier[] {() -> s.reports(sent), s::packetsSent, s::dropped, s::packetsReceived,
                kernelDrops, Jit::millis, s::lost}, new Thread[] {s.forwardingThread()});
        Window.Deltas d = placement.call(VethPath.Role.REPORTER,
                () -> Window.measure(spec, o.warmup(), o.window(), o.jitSettle(), probe, progress, load.name() + "/" + s.name()));
        long reports = Math.max(1, d.counters()[0]);
        Row row = new Row(load.name(), s.name(), d.sent() / d.seconds(), d.rate(0), d.rate(1), d.rate(3), (double) d.cpuNanos()[0] / reports,
                d.counters()[2], dropsKnown ? d.counters()[4] : -1, Jit.millis() < 0 ? -1 : d.counters()[5], lossKnown ? d.counters()[6] : -1,
                (double) d.senderCpuNanos() / Math.max(1, d.sent()));
        progress.printf(Locale.ROOT, "  %s/%s: %,.0f reports/s, %,.0f packets/s, %.0f ns/report%s%n", load.name(), s.name(),
                row.reports(), row.packets(), row.cpuNanos(), s.health().isEmpty() ? "" : "; " + s.health());
        progress.flush();
        return row;
    }

    static void print(List<Row> rows, PrintWriter out) {
        Table t = new Table("PRIMITIVE", "SETUP", "SENT/S", "REPORTS/S", "PACKETS-OUT/S", "PKTS/REPORT", "RECEIVED/S", "CPU-NS/REPORT",
                "CAPACITY-REPORTS/S", "VS-BARE", "DROPPED", "LOST", "KERNEL-DROPS", "JIT-MS", "SENDER-CPU-NS/REPORT");
        for (Row r : rows) {
            Row bare = rows.stream().filter(x -> x.load().equals(r.load()) && x.setup().equals("bare")).findFirst().orElse(null);
            t.row(r.load(), r.setup(), fmt(r.offered()), fmt(r.reports()), fmt(r.packets()),
                    String.format(Locale.ROOT, "%.2f", r.packets() / Math.max(1, r.reports())), fmt(r.received()), fmt(r.cpuNanos()),
                    fmt(r.capacity()),
                    bare == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.capacity() / bare.capacity()), r.dropped(),
                    r.lost() < 0 ? "-" : fmt(r.lost()),
                    r.kernelDrops() < 0 ? "-" : fmt(r.kernelDrops()), r.jitMillis() < 0 ? "-" : fmt(r.jitMillis()),
                    fmt(r.senderCpuNanos()));
        }
        t.print(out, "");
        out.flush();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** The bare forwarding loop and a sink that drains what it sends. */
    static final class BareSetup implements ForwardingSetup {
        private final PacketSink sink;
        private final BareForwarder forwarder;

        /**
         * @param placement the forwarder runs in the translator role's namespace, the sink in the collector role's
         * @param raw       raw sockets for the forwarder (the translator's raw mode)
         */
        BareSetup(Placement placement, boolean raw, int address, int reportPort, int sinkAddress) throws Exception {
            this(placement, raw ? "raw" : "udp", address, address, reportPort, sinkAddress);
        }

        /**
         * @param path          udp, raw or xdp ({@link BareForwarder})
         * @param reportAddress where the reports are sent (xdp: on another interface than {@code address})
         */
        BareSetup(Placement placement, String path, int reportAddress, int address, int reportPort, int sinkAddress) throws Exception {
            this.sink = placement.call(VethPath.Role.COLLECTOR, () -> new PacketSink(sinkAddress, 4791));
            try {
                this.forwarder = placement.call(VethPath.Role.TRANSLATOR,
                        () -> new BareForwarder(path, reportAddress, address, reportPort, sinkAddress));
            } catch (Exception e) {
                sink.close();
                throw e;
            }
        }

        @Override
        public String name() {
            return "bare";
        }

        @Override
        public ReporterOptions target() {
            return ReporterOptions.to(forwarder.address()).withPort(forwarder.reportPort());
        }

        @Override
        public Thread forwardingThread() {
            return forwarder.thread();
        }

        @Override
        public long reports(Primitive p) {
            return forwarder.received();
        }

        /** The loop does not look at what it forwards: every report it took in. */
        @Override
        public long reports(List<Primitive> primitives) {
            return forwarder.received();
        }

        @Override
        public long packetsSent() {
            return forwarder.sent();
        }

        @Override
        public long packetsReceived() {
            return sink.packets();
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public long kernelDrops() {
            return forwarder.kernelDrops();
        }

        @Override
        public void close() throws Exception {
            forwarder.close();
            sink.close();
        }
    }
}
