package net.dta.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.dta.testkit.RepoPaths;
import net.dta.testkit.TestJvm;

/**
 * {@code ./dta query} as a user types it, against a running demo: the launcher's fast path (the
 * AOT cache made from query-api's jar by a training run, the client JVM flags, only the named
 * subcommand built) answers what the service holds, and the second call reuses the cache. Runs
 * in the demo module because query-api's jar exists only after that module's package phase.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QueryLauncherTest {
    private static final Path ROOT = RepoPaths.root();

    @TempDir
    Path dir;

    @Test
    void theLauncherAnswersAQueryFromItsStartUpCacheAndReusesTheCache() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String net = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250);
        List<String> args = List.of("--data-dir", dir.resolve("demo-data").toString(), "--net", net, "--rate", "1k",
                "--p4runtime-port", "0", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--controller-admin", "127.0.0.1:0",
                "--translator-admin", "127.0.0.1:0", "--collector-admin", "127.0.0.1:0");
        try (TestJvm demo = TestJvm.startUntilReady(DemoMain.class.getName(), args, dir, "demo", Duration.ofSeconds(60))) {
            String web = DemoFlows.WEB.key();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String first;
            JsonNode answer;
            do {
                first = dta("query", "kw-get", "--server", demo.ready("grpc"), "-s", "queue-depth", "-k", web, "--json");
                answer = json(first);
            } while (!answer.path("found").asBoolean() && System.nanoTime() < deadline && sleep());
            assertTrue(answer.get("found").asBoolean(), first);
            assertEquals(40, answer.get("value_uint").asInt(), "the web flow's deepest queue, as the demo sent it: " + first);

            Path jar;
            try (var jars = Files.list(ROOT.resolve("query-api/target"))) {
                jar = jars.filter(p -> p.getFileName().toString().matches("dta-query-api-.*\\.jar")).findFirst().orElseThrow();
            }
            Path cache = ROOT.resolve("query-api/target/dta-query-cli.aot");
            assertTrue(Files.exists(cache), "the launcher made the AOT cache from " + jar);
            assertFalse(Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) < 0, "the cache is newer than the jar");
            String training = Files.readString(ROOT.resolve("query-api/target/dta-query-cli.aot.log"));
            for (String command : List.of("kw-get", "status", "stores", "path")) {
                assertTrue(training.contains("training: query " + command + " --server 127.0.0.1:"),
                        "the cache was trained on " + command + " against the training service: " + training);
            }

            String second = dta("query", "kw-get", "--server", demo.ready("grpc"), "-s", "queue-depth", "-k", web, "--json");
            assertFalse(second.contains("preparing"), "the second call reuses the cache: " + second);
            assertEquals(40, json(second).get("value_uint").asInt(), second);

            String version = dta("query", "--version");
            assertTrue(version.contains("DTA query service"), version);
            assertEquals(0, demo.stop(), demo.output());
        }
    }

    /** Runs the launcher (no build: this test run built everything) and returns its stdout; stderr is checked for errors. */
    private String dta(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("dta").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("dta.err").toFile());
        pb.environment().put("DTA_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("dta.err"));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out + err);
        assertFalse(err.contains("warning") || err.contains("Exception"), err);
        return out + err;
    }

    private static JsonNode json(String text) throws Exception {
        int start = text.indexOf('{');
        return new ObjectMapper().readTree(start < 0 ? "{}" : text.substring(start));
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(500);
        return true;
    }
}
