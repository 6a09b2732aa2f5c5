package net.dta.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import net.dta.common.cli.Table;
import net.dta.packetio.Ipv4;
import net.dta.reporter.Primitive;
import net.dta.reporter.load.LoadSpec;
import net.dta.translator.config.Mode;

/**
 * Collector CPU time per report (issue item 6): the same reports, at the same rate, collected
 * <ol>
 *   <li>{@code dta}: through the software translator as RDMA into a collector whose process only
 *       runs the RDMA responder (software RoCEv2, UDP mode): the responder thread's CPU;</li>
 *   <li>{@code classic}: by a collector that receives every report over UDP, parses it and
 *       updates the same store files ({@link net.dta.bench.classic.ClassicCollector}): its
 *       receive thread's CPU;</li>
 *   <li>{@code chronicle}: the same classic collector inserting into Chronicle Maps;</li>
 * </ol>
 * per primitive, in one run. CPU is per-thread CPU time (user + system) over the measurement
 * window, divided by the reports delivered in that window.
 */
public final class CollectorCpuBenchmark {
    static final int CLASSIC_ADDRESS = Ipv4.parse(BenchAddresses.host(201));
    static final int CHRONICLE_ADDRESS = Ipv4.parse(BenchAddresses.host(202));

    /**
     * @param rate           reports per second offered to every set-up
     * @param sketchCounters counters per Sketch-Merge report (each is one FETCH_ADD on the DTA path)
     * @param mode           socket mode of the DTA translator and collector
     * @param appendBatch    Append entries per RDMA WRITE on the DTA path
     */
    public record Options(double rate, Duration warmup, Duration window, List<Primitive> primitives, List<String> setups, long keys,
                          String distribution, int sketchCounters, int senders, Mode mode, int appendBatch, Path workDir) {
    }

    /**
     * @param collectorCpuNanos   collector thread CPU per delivered report
     * @param collectorPackets    packets the collector thread received per delivered report
     * @param translatorCpuNanos  translator thread CPU per delivered report (NaN without a translator)
     * @param rdmaLoss            RDMA requests the translator sent that the collector did not execute, as a fraction (NaN without)
     */
    public record Row(Primitive primitive, String setup, double offered, double delivered, double collectorCpuNanos,
                      double collectorPackets, double translatorCpuNanos, double rdmaLoss) {
    }

    private CollectorCpuBenchmark() {
    }

    public static List<Row> run(Options o, PrintWriter out, PrintWriter progress) throws Exception {
        for (String s : o.setups()) {
            if (!List.of("dta", "classic", "chronicle").contains(s)) {
                throw new IllegalArgumentException("setups: unknown set-up \"" + s + "\" (dta, classic, chronicle)");
            }
        }
        out.printf(Locale.ROOT, "collector CPU per report: %,.0f reports/s offered per set-up, %d sender thread(s), %.0f s warm-up + "
                        + "%.0f s measured, %,d keys %s, %d sketch counters per report, DTA in %s mode with Append batches of %d%n",
                o.rate(), o.senders(), o.warmup().toNanos() / 1e9, o.window().toNanos() / 1e9, o.keys(), o.distribution(),
                o.sketchCounters(), o.mode().configName(), o.appendBatch());
        out.println(Machine.describe());
        out.flush();
        List<Row> rows = new ArrayList<>();
        for (Primitive p : o.primitives()) {
            for (String setup : o.setups()) {
                Path dir = Files.createDirectories(o.workDir().resolve(p.shortName() + "-" + setup));
                try (CollectorSetup s = open(setup, dir, o)) {
                    rows.add(measure(s, p, o, progress));
                }
            }
        }
        print(rows, out);
        return rows;
    }

    private static CollectorSetup open(String setup, Path dir, Options o) throws Exception {
        return switch (setup) {
            case "dta" -> new DtaDeployment(dir, 1, o.mode(), o.appendBatch(), "dta");
            case "classic" -> ClassicSetup.storeFiles(dir, CLASSIC_ADDRESS);
            case "chronicle" -> ClassicSetup.chronicle(dir, CHRONICLE_ADDRESS, o.keys());
            default -> throw new IllegalArgumentException("setups: unknown set-up " + setup + " (dta, classic, chronicle)");
        };
    }

    private static Row measure(CollectorSetup s, Primitive p, Options o, PrintWriter progress) throws Exception {
        LoadSpec spec = LoadSpec.builder(s.target()).rate(o.rate()).duration(o.warmup().plus(o.window()).plusSeconds(30))
                .mix(p.shortName() + "=1").keys(o.keys()).distribution(o.distribution()).sketch(2, 16, o.sketchCounters())
                .flowsInFlight(2).threads(o.senders()).build();
        Window.Probe probe = new Window.Probe(new LongSupplier[] {() -> s.delivered(p), s::collectorPackets, s::requestsSent,
                s::requestsExecuted},
                new Thread[] {s.collectorThread(), s.translatorThread()});
        Window.Deltas d = Window.measure(spec, o.warmup(), o.window(), probe, progress, p.shortName() + "/" + s.name());
        long delivered = Math.max(1, d.counters()[0]);
        Row row = new Row(p, s.name(), d.sent() / d.seconds(), d.rate(0), (double) d.cpuNanos()[0] / delivered,
                (double) d.counters()[1] / delivered, d.cpuNanos()[1] < 0 ? Double.NaN : (double) d.cpuNanos()[1] / delivered,
                s.requestsSent() < 0 ? Double.NaN : 1 - (double) d.counters()[3] / Math.max(1, d.counters()[2]));
        progress.printf(Locale.ROOT, "  %s/%s: %,.0f reports/s delivered, collector %.0f ns/report%s%n", p.shortName(), s.name(),
                row.delivered(), row.collectorCpuNanos(), s.health().isEmpty() ? "" : "; " + s.health());
        progress.flush();
        return row;
    }

    static void print(List<Row> rows, PrintWriter out) {
        Table t = new Table("PRIMITIVE", "SETUP", "OFFERED/S", "DELIVERED/S", "COLLECTOR-CPU-NS/REPORT", "VS-CLASSIC",
                "COLLECTOR-PKTS/REPORT", "TRANSLATOR-CPU-NS/REPORT", "RDMA-LOSS");
        rows.sort(Comparator.comparing((Row r) -> r.primitive().ordinal()));
        for (Row r : rows) {
            Row classic = rows.stream().filter(x -> x.primitive() == r.primitive() && x.setup().equals("classic")).findFirst().orElse(null);
            t.row(r.primitive().shortName(), r.setup(), fmt(r.offered()), fmt(r.delivered()), fmt(r.collectorCpuNanos()),
                    classic == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.collectorCpuNanos() / classic.collectorCpuNanos()),
                    String.format(Locale.ROOT, "%.2f", r.collectorPackets()),
                    Double.isNaN(r.translatorCpuNanos()) ? "-" : fmt(r.translatorCpuNanos()),
                    Double.isNaN(r.rdmaLoss()) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * r.rdmaLoss()));
        }
        t.print(out, "");
        out.flush();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
