package net.dta.bench;

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
                Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(2), List.of(Primitive.KEY_INCREMENT),
                List.of("bare", "translator"),
                1024, 4, 1, Mode.UDP, 4, dir, "ki=1,ap=1"), new PrintWriter(out), new PrintWriter(progress));
        assertEquals(4, rows.size());
        for (TranslatorThroughputBenchmark.Row r : rows) {
            assertTrue(r.reports() > 0 && r.packets() > 0 && r.cpuNanos() > 0, r.toString());
            // The report socket is found in /proc/net/udp while it is open (Linux), and the JVM reports compile time.
            assertTrue(r.kernelDrops() >= 0 && r.jitMillis() >= 0, r.toString());
            // The translator's ledger counts reports lost after acceptance; the bare loop has none.
            assertTrue(r.setup().equals("bare") ? r.lost() == -1 : r.lost() >= 0, r.toString());
        }
        assertTrue(out.toString().contains("VS-BARE") && out.toString().contains("KERNEL-DROPS") && out.toString().contains("LOST") && out.toString().contains("machine:"), out.toString());
        assertTrue(progress.toString().contains("ki/bare") && progress.toString().contains("mix/translator"), progress.toString());
        assertEquals(TranslatorThroughputBenchmark.MIX, rows.get(3).load());
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
    void intIngestMeasuresTheIntPathNextToTheDtaPath() throws Exception {
        StringWriter out = new StringWriter();
        IntIngestBenchmark.Row[] rows = IntIngestBenchmark.run(new IntIngestBenchmark.Options(Duration.ofMillis(300),
                Duration.ofMillis(500), 4, Mode.UDP, dir), new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals("dta", rows[0].format());
        assertEquals("int", rows[1].format());
        for (IntIngestBenchmark.Row r : rows) {
            assertTrue(r.paths() > 0 && r.writes() > 0 && r.cpuNanosPerPath() > 0, r.toString());
            assertEquals(0, r.dropped(), r.toString());
        }
        // An INT-MD sink report carries its whole path: one datagram, four postcards, one row write.
        assertEquals(4 * rows[1].datagrams(), rows[1].postcards(), rows[1].postcards() * 0.05);
        assertTrue(out.toString().contains("VS-DTA"), out.toString());
    }

    @Test
    void responderIngestExecutesTheWritesAndFetchAddsItReceivesWithOneAndTwoThreads() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = ResponderIngestBenchmark.run(new String[] {"--mode", "udp", "--op", "both", "--seconds", "0.3",
                "--senders", "2", "--threads", "1,2"}, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        List<String[]> responderRows = out.lines().map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length >= 6 && c[2].equals("responder")).toList();
        assertEquals(4, responderRows.size(), "write and atomic, 1 and 2 threads:\n" + out);
        for (String[] row : responderRows) {
            // exec/s: what the responder executed, not ACKed as duplicates or dropped (senders start at the REP's PSN)
            assertTrue(Double.parseDouble(row[5]) > 0, String.join(" ", row) + "\n" + out);
        }
        assertTrue(out.contains("bare-reply"), out);
    }

    @Test
    void unknownSetUpsAreRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorCpuBenchmark.run(
                new CollectorCpuBenchmark.Options(1, Duration.ZERO, Duration.ZERO, List.of(Primitive.APPEND), List.of("nic"), 1, "uniform",
                        1, 1, Mode.UDP, 1, dir), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().startsWith("setups: unknown set-up \"nic\""), e.getMessage());
    }
}
