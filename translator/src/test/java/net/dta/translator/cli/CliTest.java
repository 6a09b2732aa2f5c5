package net.dta.translator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.common.config.ConfigException;
import net.dta.testkit.RepoPaths;
import net.dta.translator.Translator;
import net.dta.translator.TranslatorMain;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.testing.LoopbackDeployment;
import picocli.CommandLine.ExitCode;

/** The command line, the configuration file and the status and metrics views. */
class CliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TranslatorMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"status", "--help"}, {"check-config", "--help"}}) {
            Run r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().contains("Usage: translator"), r.out());
        }
        assertEquals(ExitCode.USAGE, run("no-such-command").code());
    }

    @Test
    void theExampleConfigurationIsValidAndItsDefaultsAreTheDocumentedOnes() throws Exception {
        Path example = RepoPaths.root().resolve("translator/translator.example.yaml");
        Run r = run("check-config", example.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("OK"));
        TranslatorConfig c = ConfigLoader.load(example);
        TranslatorConfig d = TranslatorConfig.defaults();
        assertEquals(d.p4runtime(), c.p4runtime());
        assertEquals(d.network().reportPort(), c.network().reportPort());
        assertEquals(Mode.UDP, c.network().mode());
        assertEquals(d.dataPlane(), c.dataPlane());
        assertEquals(d.admin(), c.admin());
        assertEquals(d.name(), ConfigLoader.parse("empty.yaml", new StringReader(""), null).name(), "an empty file is every default");
    }

    @Test
    void everyProblemOfAFileIsReportedWithItsPlace() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                translator:
                  name: "no spaces allowed"
                network:
                  address: 10.0.0
                  mode: fast
                  mac: 02:00
                dataplane:
                  postcard-cache-entries: 1000
                p4runtime:
                  adress: 127.0.0.1:9559
                """);
        Run r = run("check-config", bad.toString());
        assertEquals(ExitCode.SOFTWARE, r.code());
        assertTrue(r.err().contains("bad.yaml:2:9: translator.name: must be"), r.err());
        assertTrue(r.err().contains("bad.yaml:4:12: network.address: must be an IPv4 address"), r.err());
        assertTrue(r.err().contains("network.mode: must be one of udp, raw, xdp, got \"fast\""), r.err());
        assertTrue(r.err().contains("network.mac: must be a MAC address"), r.err());
        assertTrue(r.err().contains("dataplane.postcard-cache-entries: must be a power of two"), r.err());
        assertTrue(r.err().contains("bad.yaml:10:3: p4runtime.adress: unknown field"), r.err());
        assertTrue(r.err().contains("6 problems"), r.err());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(bad));
        assertEquals(6, e.problems().size());
    }

    @Test
    void statusAndMetricsOfARunningTranslator() throws Exception {
        String prefix = LoopbackDeployment.randomPrefix();
        try (Translator t = Translator.start(TranslatorConfig.forTest(prefix + "1", Mode.UDP))) {
            String admin = t.adminAddress().getHostString() + ":" + t.adminAddress().getPort();
            Run r = run("status", "--admin", admin);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("translator translator  device 1"), r.out());
            assertTrue(r.out().contains("pipeline NOT set"), r.out());
            assertTrue(r.out().contains("no queue pairs"), r.out());
            assertTrue(run("status", "--admin", admin, "--json").out().contains("\"icrc_exact\" : false"));
            try (HttpClient client = HttpClient.newHttpClient()) {
                String metrics = client.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                // Prometheus' writer orders labels by name.
                assertTrue(metrics.contains("dta_translator_info{device_id=\"1\",icrc_exact=\"false\",mode=\"udp\",translator=\"translator\"} 1"),
                        metrics);
                assertTrue(metrics.contains("dta_translator_report_drops_total{reason=\"truncated\"} 0"), metrics);
                assertEquals(1, metrics.lines().filter(l -> l.equals("# TYPE dta_translator_report_drops_total counter")).count());
            }
        }
        Run down = run("status", "--admin", "127.0.0.1:1", "--timeout", "1");
        assertEquals(ExitCode.SOFTWARE, down.code());
        assertTrue(down.err().contains("no translator answers"), down.err());
    }

    @Test
    void runRefusesAnInvalidConfigurationAndASocketItCannotOpen() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "network: {mode: fast}\n");
        Run r = run("run", "--config", bad.toString());
        assertEquals(ExitCode.SOFTWARE, r.code());
        assertTrue(r.err().contains("network.mode"), r.err());
        Path busy = dir.resolve("busy.yaml");
        String prefix = LoopbackDeployment.randomPrefix();
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(new java.net.InetSocketAddress(prefix + "1", 0))) {
            Files.writeString(busy, "network: {address: " + prefix + "1, report-port: " + taken.getLocalPort() + "}\n"
                    + "admin: {enabled: false}\np4runtime: {address: \"" + prefix + "1:0\"}\n");
            Run b = run("run", "--config", busy.toString());
            assertEquals(ExitCode.SOFTWARE, b.code());
            assertTrue(b.err().contains("cannot receive reports on " + prefix + "1:" + taken.getLocalPort()), b.err());
        }
    }
}
