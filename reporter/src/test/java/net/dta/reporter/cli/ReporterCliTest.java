package net.dta.reporter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.dta.reporter.ReportReceiver;
import net.dta.reporter.ReporterMain;
import net.dta.testkit.ProtocolVectors;
import picocli.CommandLine.ExitCode;

/** Every command in-process through {@link ReporterMain#doMain}, against a real UDP receiver. */
class ReporterCliTest {
    static final String KEY = "10.0.0.1:8080->10.0.0.2:80/tcp";

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReporterMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndTheirOptions() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : List.of("load", "send")) {
            assertTrue(r.out().contains(c), r.out());
        }
        Run load = run("load", "--help");
        for (String o : List.of("--rate", "--duration", "--count", "--mix", "--stores", "--keys", "--distribution", "--path-length",
                "--threads", "--json")) {
            assertTrue(load.out().contains(o), o + " in " + load.out());
        }
        assertTrue(run("send", "--help").out().contains("kw"));
        assertEquals(0, run("send", "sk", "--help").code());
    }

    @Test
    void sendPutsTheDocumentedBytesOnTheWire() throws Exception {
        ProtocolVectors v = ProtocolVectors.load();
        try (ReportReceiver rx = ReportReceiver.keeping()) {
            String to = rx.address();
            List<Run> runs = List.of(
                    run("send", "kw", "--to", to, "--store", "1", "--key", KEY, "--value", "7", "--redundancy", "2"),
                    run("send", "ki", "--to", to, "--store", "2", "--key", KEY, "--delta", "1500"),
                    run("send", "pc", "--to", to, "--store", "3", "--key", KEY, "--hop", "0", "--path-length", "3", "--value", "0x01000010"),
                    run("send", "ap", "--to", to, "--store", "4", "--list", "1", "--value", "0xdead0001"),
                    run("send", "sk", "--to", to, "--store", "5", "--row", "0", "--column", "596", "--deltas", "42"));
            for (Run r : runs) {
                assertEquals(0, r.code(), r.err());
                assertTrue(r.out().startsWith("sent 1 "), r.out());
            }
            assertTrue(runs.get(0).out().contains("0101000102040000"), runs.get(0).out());
            assertEquals(5, rx.await(5, Duration.ofSeconds(5)));
            List<byte[]> got = rx.datagrams();
            List<String> names = List.of("kw.report", "ki.report.0", "pc.report.0", "ap.report.0", "sk.report.0");
            for (int i = 0; i < names.size(); i++) {
                assertArrayEquals(v.get(names.get(i)).bytes(), got.get(i), names.get(i));
            }
            Run repeated = run("send", "ap", "--to", to, "--store", "4", "--list", "0", "--value", "1", "--repeat", "3");
            assertTrue(repeated.out().startsWith("sent 3 Append reports"), repeated.out());
            assertEquals(8, rx.await(8, Duration.ofSeconds(5)));
        }
    }

    @Test
    void loadPrintsProgressAndASummary() throws Exception {
        try (ReportReceiver rx = ReportReceiver.decoding(r -> { })) {
            Run r = run("load", "--to", rx.address(), "--rate", "5k", "--count", "1500", "--progress", "100ms");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("] sent "), "progress lines: " + r.err());
            assertTrue(r.err().contains("(target 5,000/s)"), r.err());
            assertTrue(r.out().contains("Key-Write") && r.out().contains("Sketch-Merge"), r.out());
            assertTrue(r.out().contains("target 5,000/s"), r.out());
            assertTrue(r.out().contains("errors 0"), r.out());
            assertTrue(r.out().contains("postcard flows:"), r.out());
            assertTrue(rx.await(1500, Duration.ofSeconds(5)) >= 1500);
        }
    }

    @Test
    void loadJsonSummaryIsMachineReadable() throws Exception {
        try (ReportReceiver rx = ReportReceiver.decoding(r -> { })) {
            Run r = run("load", "--to", rx.address(), "--rate", "max", "--count", "2000", "--mix", "kw=3,ap=1", "--stores", "kw=11,ap=14",
                    "--distribution", "zipf:0.9", "--keys", "1k", "--json", "--quiet");
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertEquals(2000, j.get("sent").asLong());
            assertEquals(0, j.get("send_errors").asLong());
            assertTrue(j.get("target_rate").isNull());
            assertEquals("zipf:0.9", j.get("distribution").asText());
            assertEquals(1000, j.get("keys").asLong());
            assertEquals(11, j.at("/primitives/kw/store").asInt());
            assertEquals(14, j.at("/primitives/ap/store").asInt());
            assertEquals(2000, j.at("/primitives/kw/reports").asLong() + j.at("/primitives/ap/reports").asLong());
            assertTrue(j.get("primitives").get("pc") == null, "unused primitives are left out");
            assertTrue(j.get("rate").asDouble() > 0);
        }
    }

    @Test
    void badValuesExitWithTwoAndNameTheField() {
        assertUsage(run("load", "--count", "10", "--mix", "kw=1,zz=2"), "load: mix: unknown primitive \"zz\"");
        assertUsage(run("load", "--count", "10", "--rate", "fast"), "load: rate: expected a number");
        assertUsage(run("load", "--rate", "10"), "load: duration/count:");
        assertUsage(run("load", "--count", "10", "--distribution", "zipf:x"), "load: distribution:");
        assertUsage(run("load", "--count", "10", "--path-length", "3-x"), "load: path-length:");
        assertUsage(run("load", "--count", "10", "--sketch-columns", "1000"), "load: sketch-columns:");
        assertUsage(run("load", "--count", "10", "--to", "10.0.0.1:99999"), "load: translator address");
        assertUsage(run("load", "--count", "10", "--batch", "0"), "load: batch:");
        assertUsage(run("load", "--duration", "soon"), "load: duration:");
        assertUsage(run("send", "kw", "--store", "1", "--key", "nope", "--value", "1"), "kw: key: cannot read key \"nope\"");
        assertUsage(run("send", "kw", "--store", "0", "--key", KEY, "--value", "1"), "kw: store:");
        assertUsage(run("send", "kw", "--store", "1", "--key", KEY, "--value", "0x0102030405"), "kw: value:");
        assertUsage(run("send", "pc", "--store", "3", "--key", KEY, "--hop", "3", "--path-length", "3", "--value", "1"), "pc: hop:");
        assertUsage(run("send", "sk", "--store", "5", "--row", "0", "--column", "15", "--deltas", "1,2"), "sk: column:");
        Run missing = run("send", "kw", "--store", "1");
        assertEquals(ExitCode.USAGE, missing.code());
        assertTrue(missing.err().contains("Missing required options"), missing.err());
        assertEquals(ExitCode.USAGE, run("frobnicate").code());
    }

    private static void assertUsage(Run r, String message) {
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().startsWith("reporter ") && r.err().contains(message), "expected \"reporter ... " + message + "\" in: " + r.err());
    }
}
