package net.dta.reporter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.reporter.Primitive;
import net.dta.translator.config.Mode;

/** Both benchmarks run end to end with tiny windows (what they measure is in docs/performance.md, not asserted here). */
class BenchmarksTest {
    @TempDir
    Path dir;

    @Test
    void translatorThroughputMeasuresTheBareLoopAndTheTranslator() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter progress = new StringWriter();
        List<TranslatorThroughputBenchmark.Row> rows = TranslatorThroughputBenchmark.run(new TranslatorThroughputBenchmark.Options(
                Duration.ofMillis(300), Duration.ofMillis(500), List.of(Primitive.KEY_INCREMENT), List.of("bare", "translator"),
                1024, 4, 1, Mode.UDP, 4, dir), new PrintWriter(out), new PrintWriter(progress));
        assertEquals(2, rows.size());
        for (TranslatorThroughputBenchmark.Row r : rows) {
            assertTrue(r.reports() > 0 && r.packets() > 0 && r.cpuNanos() > 0, r.toString());
        }
        assertTrue(out.toString().contains("VS-BARE") && out.toString().contains("machine:"), out.toString());
        assertTrue(progress.toString().contains("ki/bare"), progress.toString());
    }

    @Test
    void collectorCpuMeasuresEverySetUp() throws Exception {
        StringWriter out = new StringWriter();
        List<CollectorCpuBenchmark.Row> rows = CollectorCpuBenchmark.run(new CollectorCpuBenchmark.Options(5_000, Duration.ofMillis(300),
                Duration.ofMillis(500), List.of(Primitive.APPEND), List.of("dta", "classic", "chronicle"), 1024, "uniform", 4, 1,
                Mode.UDP, 4, dir), new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(3, rows.size());
        for (CollectorCpuBenchmark.Row r : rows) {
            assertTrue(r.delivered() > 0 && r.collectorCpuNanos() > 0, r.toString());
        }
        CollectorCpuBenchmark.Row dta = rows.get(0);
        assertEquals("dta", dta.setup());
        assertTrue(dta.collectorPackets() < 0.5, "Append batches of 4: about 1/4 RDMA WRITE per report, got " + dta.collectorPackets());
        assertTrue(out.toString().contains("VS-CLASSIC"), out.toString());
    }

    @Test
    void unknownSetUpsAreRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorCpuBenchmark.run(
                new CollectorCpuBenchmark.Options(1, Duration.ZERO, Duration.ZERO, List.of(Primitive.APPEND), List.of("nic"), 1, "uniform",
                        1, 1, Mode.UDP, 1, dir), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().startsWith("setups: unknown set-up \"nic\""), e.getMessage());
    }
}
