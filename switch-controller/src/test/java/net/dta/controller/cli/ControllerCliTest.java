package net.dta.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import net.dta.controller.ControllerMain;
import net.dta.controller.status.ControllerStatus;
import net.dta.common.status.StatusJson;
import net.dta.controller.testing.TestNetwork;
import net.dta.testkit.RepoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: check-config, run as a real process (SIGTERM), status, metrics. */
class ControllerCliTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ControllerMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void shouldAcceptTheExampleDeploymentAndShowWhatItDescribes() {
        Result r = run("check-config", RepoPaths.root().resolve("deployment/deployment.example.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("deployment lab: 1 translator(s), 2 collector(s), 5 store(s), 0 reporter(s)"), r.out());
        assertTrue(r.out().contains("heavy-hitters  5   sketch"), r.out());
        assertTrue(r.out().contains("explicit c1:192 c2:64"), r.out());
        assertTrue(r.out().trim().endsWith("OK"), r.out());
    }

    @Test
    void shouldNameFileLineColumnAndFieldOfEveryProblemAndStartNothing() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                collectors:
                  - name: c1
                    address: 127.0.0.21
                    cm-port: seventy
                stores:
                  - {name: queue-depth, id: 1, collectors: [c2]}
                translators:
                  - {name: t, p4runtime: "127.0.0.1:9559", address: 127.0.0.10, pipline: bmv2}
                """);
        Result check = run("check-config", bad.toString());
        assertEquals(1, check.code());
        String file = bad.toString();
        assertTrue(check.err().contains(file + ":4:14: collectors[0].cm-port: must be an integer 1..65535, got \"seventy\""), check.err());
        assertTrue(check.err().contains(file + ":6:45: stores[0].collectors[0]: no collector named \"c2\"; the names are: c1"), check.err());
        assertTrue(check.err().contains(file + ":8:65: translators[0].pipline: unknown field for a translator"), check.err());
        assertTrue(check.err().contains("3 problems"), check.err());

        Result start = run("run", "--config", bad.toString());
        assertEquals(1, start.code());
        assertTrue(start.err().contains("nothing was started"), start.err());
    }

    @Test
    void shouldExplainAnUnreachableStatusEndpointAndUsageErrors() {
        Result r = run("status", "--admin", "127.0.0.1:1");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("controller status: no controller answers at http://127.0.0.1:1/status (connection refused)"), r.err());
        assertEquals(2, run("status", "--admin", "nonsense").code());
        assertEquals(2, run("frobnicate").code());
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("check-config") && help.out().contains("status") && help.out().contains("run"), help.out());
    }

    @Test
    void shouldRunAsAProcessServeStatusAndMetricsAndStopCleanlyOnSigterm() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollector(0);
            net.startTranslator();
            Path file = net.writeDeployment("deployment.yaml", 10, 1, "");
            Path ready = dir.resolve("ready");
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-Dcom.google.protobuf.use_unsafe_pre22_gencode=true");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(ControllerMain.class.getName());
            cmd.addAll(List.of("run", "--config", file.toString(), "--ready-file", ready.toString()));
            Path log = dir.resolve("controller.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                try {
                    TestNetwork.await("the ready file", 30, () -> Files.exists(ready) || !p.isAlive());
                } finally {
                    if (!Files.exists(ready)) {
                        throw new AssertionError("no ready file; the controller's output:\n" + Files.readString(log));
                    }
                }
                String admin = Files.readAllLines(ready).stream().filter(l -> l.startsWith("admin=")).findFirst().orElseThrow()
                        .substring("admin=".length());
                HttpClient http = HttpClient.newHttpClient();
                TestNetwork.await("the queue pair up, seen through /status", 30, () -> {
                    try {
                        byte[] body = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/status")).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).body();
                        ControllerStatus s = StatusJson.read(body, ControllerStatus.class);
                        return "up".equals(s.translators().get(0).queuePairs().get(0).state());
                    } catch (Exception e) {
                        return false;
                    }
                });
                Result status = run("status", "--admin", admin);
                assertEquals(0, status.code(), status.err());
                assertTrue(status.out().contains("translator tor"), status.out());
                assertTrue(status.out().contains("state ready (primary, election id 10)"), status.out());
                assertTrue(status.out().matches("(?s).*c0\\s+" + net.collectorAddress(0).replace(".", "\\.") + "\\s+up.*"), status.out());
                Result json = run("status", "--admin", admin, "--json");
                assertEquals(0, json.code());
                assertTrue(json.out().contains("\"queue_pairs\""), json.out());

                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("dta_controller_translator_queue_pair_up{collector=\"c0\",translator=\"tor\"} 1.0"), metrics);
                assertTrue(metrics.contains("dta_controller_translator_pipeline_pushes_total{translator=\"tor\"} 1.0"), metrics);
                assertTrue(metrics.contains("dta_controller_translator_drops_total{reason=\"queue_pair_down\",translator=\"tor\"}"), metrics);

                p.toHandle().destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops within 20 s");
                String output = Files.readString(log, StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), output);
                assertTrue(output.contains("stopped cleanly"), output);
                assertTrue(output.contains("queue pair to collector c0"), output);
            } finally {
                p.destroyForcibly();
            }
            // The translator keeps running as programmed after the controller left.
            var tables = net.translator().status().tables();
            assertEquals(1, tables.queuePairs());
            assertEquals(5, tables.stores());
            assertEquals(5 * 256, tables.collectorSelect());
        }
    }
}
