package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.collector.Collector;
import net.dta.protocol.Keys;
import net.dta.query.model.QueryJson;
import net.dta.query.source.StatusSource;
import net.dta.testkit.RepoPaths;

/**
 * The CLI: every query command against a running query service (gRPC) and directly against a data
 * directory, as tables and as JSON; errors and usage; {@code serve} as its own process (SIGTERM
 * stops it with exit 0); the launcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CliTest {
    static final String KEY = "10.0.0.1:8080->10.0.0.2:80/tcp";

    @TempDir
    static Path dir;

    Collector collector;
    Feeder feeder;
    QueryServer server;
    String grpc;
    String dataDir;

    @BeforeAll
    void start() throws Exception {
        collector = TestCollectors.start(dir, "cli", "127.0.79.2");
        feeder = Feeder.connect("127.0.79.1", "127.0.79.2", 0x000103);
        byte[] key = Keys.parse(KEY);
        feeder.keyWrite("queue-depth", key, 7);
        feeder.increment("flow-bytes", key, 2000);
        feeder.path("paths", key, 0x01000010, 0x02000020, 0x03000030);
        feeder.append("drops", 1, 0xDEAD0001, 0xDEAD0002);
        dataDir = collector.config().dataDir().toString();
        server = QueryServer.start(QueryServices.forDataDir("cli", collector.config().dataDir(),
                StatusSource.inProcess(collector::status), Duration.ofMillis(200)),
                new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0), null, false, null));
        grpc = QueryServer.hostPort(server.grpcAddress());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server, feeder, collector}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing
            }
        }
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QueryMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void kwGetPrintsATableFromAServerAndFromTheFiles() {
        for (String[] target : List.of(new String[] {"--server", grpc}, new String[] {"--data-dir", dataDir, "--collector-name", "cli"})) {
            Run r = run(concat(new String[] {"kw-get", "-s", "queue-depth", "-k", KEY}, target));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("STORE        KEY                               VALUE         AGREE  COLLECTOR"), r.out());
            assertTrue(r.out().contains("queue-depth  0a0000010a0000021f90005006000000  00000007 (7)  2/2    cli"), r.out());
        }
    }

    /**
     * Issue 15 item 5: a plain query call runs without picocli (QuickRun); for the same line it prints
     * what picocli's parse prints (answers, service errors, bad values), and every line it does not
     * understand exactly goes to picocli.
     */
    @Test
    void theFastPathAnswersAsPicocliDoes() {
        List<String[]> quick = List.of(
                new String[] {"kw-get", "--server", grpc, "-s", "queue-depth", "-k", KEY},
                new String[] {"kw-get", "--server=" + grpc, "--store=queue-depth", "-k", KEY, "-k", "0b000001", "-n", "1"},
                new String[] {"kw-get", "--server", grpc, "-s", "queue-depth", "-k", KEY, "--json", "--timeout", "5"},
                new String[] {"counter", "--server", grpc, "-s", "flow-bytes", "-k", KEY, "--collector", "cli"},
                new String[] {"path", "--server", grpc, "-s", "paths", "-k", KEY, "--json"},
                new String[] {"append", "--server", grpc, "-s", "drops", "-l", "1", "--max", "5"},
                new String[] {"append", "--server", grpc, "--store", "drops", "--list", "1", "--from", "tail"},
                new String[] {"stores", "--server", grpc},
                new String[] {"stores", "--server", grpc, "--json"},
                new String[] {"kw-get", "--server", grpc, "-s", "no-such-store", "-k", KEY},
                new String[] {"kw-get", "--server", grpc, "-s", "queue-depth", "-k", "not-hex"},
                new String[] {"append", "--server", grpc, "-s", "drops", "-l", "1", "--from", "x"});
        List<String[]> picocliOnly = List.of(
                new String[] {"kw-get", "--server", grpc, "-s", "queue-depth"},
                new String[] {"counter", "--server", grpc, "-s", "flow-bytes", "-k", KEY, "-k", KEY},
                new String[] {"kw-get", "--help"},
                new String[] {"append", "--server", grpc, "-s", "drops", "-l", "01"},
                new String[] {"append", "--server", grpc, "-s", "drops", "-l", "1", "--from", "-1"},
                new String[] {"kw-get", "--server", grpc, "-s", "queue-depth", "-k", KEY, "--bogus"},
                new String[] {"stores", "--data-dir", dataDir},
                new String[] {"stores", "--server", grpc, "--json=true"},
                new String[] {"help"});
        for (String[] args : quick) {
            assertTrue(net.dta.query.cli.QuickRun.handles(args), String.join(" ", args));
        }
        for (String[] args : picocliOnly) {
            assertTrue(!net.dta.query.cli.QuickRun.handles(args), String.join(" ", args));
        }
        for (List<String[]> lines : List.of(quick, picocliOnly)) {
            for (String[] args : lines) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = QueryMain.doMainWithPicocli(new PrintWriter(out), new PrintWriter(err), args);
                Run fast = run(args);
                assertEquals(new Run(code, out.toString(), err.toString()), fast, String.join(" ", args));
            }
        }
    }

    @Test
    void kwGetReadsSeveralKeysInOneCall() {
        Run r = run("kw-get", "--server", grpc, "-s", "queue-depth", "-k", KEY, "-k", "0b000001");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("queue-depth  0a0000010a0000021f90005006000000  00000007 (7)  2/2    cli"), r.out());
        assertTrue(r.out().contains("queue-depth  0b000001000000000000000000000000  absent        0/2    cli"), r.out());
    }

    @Test
    void everyCommandHasAJsonForm() throws Exception {
        JsonNode kw = QueryJson.MAPPER.readTree(run("kw-get", "--server", grpc, "-s", "queue-depth", "-k", KEY, "--json").out());
        assertEquals("00000007", kw.get("value_hex").asText());
        JsonNode c = QueryJson.MAPPER.readTree(run("counter", "--data-dir", dataDir, "-s", "flow-bytes", "-k", KEY, "--json").out());
        assertEquals(2000, c.get("estimate").asLong());
        JsonNode p = QueryJson.MAPPER.readTree(run("path", "--server", grpc, "-s", "paths", "-k", KEY, "--json").out());
        assertEquals(3, p.get("valid_hops").asInt());
        JsonNode a = QueryJson.MAPPER.readTree(run("append", "--server", grpc, "-s", "drops", "-l", "1", "--from", "0", "--json").out());
        assertEquals(2, a.get("entries").size());
        JsonNode s = QueryJson.MAPPER.readTree(run("stores", "--server", grpc, "--json").out());
        assertEquals(5, s.get("stores").size());
        JsonNode st = QueryJson.MAPPER.readTree(run("status", "--server", grpc, "--json").out());
        assertEquals("cli", st.at("/collectors/0/name").asText());
        assertTrue(st.at("/collectors/0/reachable").asBoolean());
    }

    @Test
    void tablesOfTheOtherCommands() {
        Run c = run("counter", "--server", grpc, "-s", "flow-bytes", "-k", KEY);
        assertTrue(c.out().contains("key-increment flow-bytes key 0a0000010a0000021f90005006000000: estimate 2000"), c.out());
        assertTrue(c.out().contains("ROW  COLUMN  COUNTER  COLLECTOR"), c.out());
        Run p = run("path", "--server", grpc, "-s", "paths", "-k", KEY);
        assertTrue(p.out().contains("3 valid hop(s)"), p.out());
        assertTrue(p.out().contains("1    02000020  yes    2       32"), p.out());
        assertTrue(p.out().contains("3    00000000  no"), p.out());
        Run a = run("append", "--server", grpc, "-s", "drops", "-l", "1");
        assertTrue(a.out().contains("0         dead0001"), a.out());
        assertTrue(a.out().contains("drops list 1 (collector cli): 2 entries from 0, next 2, overrun 0"), a.out());
        Run t = run("append", "--server", grpc, "-s", "drops", "-l", "1", "--from", "tail");
        assertTrue(t.out().contains("0 entries from 2, next 2"), t.out());
        Run s = run("stores", "--data-dir", dataDir);
        assertTrue(s.out().contains("queue-depth    1   key-write      2^10 slots x 8 B, redundancy 2  cli"), s.out());
        Run st = run("status", "--server", grpc);
        assertTrue(st.out().contains("COLLECTOR  SOURCE"), st.out());
        assertTrue(st.out().contains("1/1 up"), st.out());
        assertTrue(st.out().contains("queue-depth    cli        key-write      0.1953%"), st.out());
        assertTrue(st.out().contains("PRIMITIVE"), st.out());
    }

    @Test
    void followPrintsEntriesAsTheyArrive() throws Exception {
        long tail = Long.parseLong(QueryJson.MAPPER.readTree(run("append", "--server", grpc, "-s", "drops", "-l", "2", "--from", "tail",
                "--json").out()).get("next_position").asText());
        CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> run("follow", "--server", grpc, "-s", "drops", "-l", "2",
                "--from", Long.toString(tail), "--count", "2", "--poll-ms", "10"));
        Thread.sleep(300);
        feeder.append("drops", 2, 0xF0110001, 0xF0110002);
        Run r = follow.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        assertEquals(tail + " f0110001\n" + (tail + 1) + " f0110002\n", r.out());

        Run direct = run("follow", "--data-dir", dataDir, "-s", "drops", "-l", "2", "--from", Long.toString(tail), "--seconds", "1");
        assertEquals(0, direct.code(), direct.err());
        assertTrue(direct.out().contains((tail + 1) + " f0110002"), direct.out());
    }

    @Test
    void badQueriesAndBadUsageExitWithAReason() {
        Run unknown = run("kw-get", "--server", grpc, "-s", "nope", "-k", KEY);
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("no store named \"nope\"") && unknown.err().contains("[unknown_store]"), unknown.err());
        Run badKey = run("path", "--data-dir", dataDir, "-s", "paths", "-k", "10.0.0.1->x");
        assertEquals(1, badKey.code());
        assertTrue(badKey.err().contains("cannot read key") && badKey.err().contains("[bad_key]"), badKey.err());
        Run nobody = run("stores", "--server", "127.0.0.1:1", "--timeout", "2");
        assertEquals(1, nobody.code());
        assertTrue(nobody.err().contains("127.0.0.1:1"), nobody.err());
        Run usage = run("kw-get", "--server", grpc, "-k", KEY);
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required option: '--store=STORE'"), usage.err());
        Run both = run("stores", "--server", grpc, "--data-dir", dataDir);
        assertEquals(2, both.code());
        Run help = run("--help");
        assertEquals(0, help.code());
        for (String cmd : List.of("serve", "check-config", "kw-get", "counter", "path", "append", "follow", "stores", "status")) {
            assertTrue(help.out().contains(cmd), help.out());
            assertEquals(0, run(cmd, "--help").code(), cmd);
        }
    }

    @Test
    void checkConfigAcceptsTheExampleAndLocatesProblems() throws Exception {
        Path example = RepoPaths.root().resolve("query-api/query.example.yaml");
        Run ok = run("check-config", example.toString());
        assertEquals(0, ok.code(), ok.err());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "grpc:\n  adress: 1.2.3.4:5\nhttp:\n  address: nowhere\nsource:\n  data-dir: x\n  deployment: y\n");
        Run r = run("check-config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.yaml:2:3: grpc.adress: unknown field for grpc; the fields here are: address, allow-insecure, allowed-clients, enabled, tls-certificate, tls-client-ca, tls-private-key, token-file"), r.err());
        assertTrue(r.err().contains("bad.yaml:4:12: http.address: must be host:port"), r.err());
        assertTrue(r.err().contains("source.data-dir: give source.deployment or source.data-dir, not both"), r.err());
    }

    @Test
    void serveRunsAsAProcessUntilSigterm() throws Exception {
        Path ready = dir.resolve("query.ready");
        Path log = dir.resolve("query.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-javaagent") && !arg.startsWith("-agentlib")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "net.dta.query.QueryMain", "serve", "--data-dir", dataDir, "--collector-name", "cli", "--admin",
                QueryServer.hostPort(collector.adminAddress()), "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
                "--ready-file", ready.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready) || Files.readString(ready).isEmpty()) {
                assertTrue(p.isAlive(), () -> "serve exited: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "serve not ready in 60 s: " + read(log));
                Thread.sleep(50);
            }
            Properties props = new Properties();
            try (var in = Files.newBufferedReader(ready)) {
                props.load(in);
            }
            Run r = run("kw-get", "--server", props.getProperty("grpc"), "-s", "queue-depth", "-k", KEY, "--json");
            assertEquals(7, QueryJson.MAPPER.readTree(r.out()).get("value_uint").asInt(), r.err());
            HttpResponse<String> h = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + props.getProperty("http") + "/api/v1/stores/paths/path?key=0a0000010a0000021f90005006")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
            assertTrue(read(log).contains("dashboard  http://"), read(log));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve stops on SIGTERM");
            assertEquals(0, p.exitValue(), read(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theLauncherRunsTheQueryCommand() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(RepoPaths.root().resolve("dta").toString(), "query", "--help").redirectErrorStream(true);
        pb.environment().put("DTA_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Usage: query") && out.contains("kw-get"), out);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
