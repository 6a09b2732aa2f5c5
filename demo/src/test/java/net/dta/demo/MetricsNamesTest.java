package net.dta.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dta.testkit.ExternalTools;
import net.dta.testkit.TestJvm;

/**
 * Every component's {@code /metrics} of a running demo (two collectors, the translator, the
 * controller, the query service): promtool accepts each exposition, every family starts with its
 * component's prefix, and no family name is exposed by two components (a sum across jobs would mix
 * two meanings: issue 14 item 6, docs/operations.md "Metrics").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsNamesTest {
    /** Endpoint name in the demo's ready lines -> the component and the prefix of its families. */
    private static final Map<String, String[]> ENDPOINTS = new LinkedHashMap<>();

    static {
        ENDPOINTS.put("c1-admin", new String[] {"collector", "dta_collector_"});
        ENDPOINTS.put("c2-admin", new String[] {"collector", "dta_collector_"});
        ENDPOINTS.put("translator-admin", new String[] {"translator", "dta_translator_"});
        ENDPOINTS.put("controller-admin", new String[] {"controller", "dta_controller_"});
        ENDPOINTS.put("http", new String[] {"query", "dta_query_"});
    }

    @TempDir
    Path dir;

    @Test
    void everyComponentExposesValidMetricsUnderItsOwnNames() throws Exception {
        ExternalTools.requirePrometheus();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String net = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250);
        List<String> args = List.of("--data-dir", dir.resolve("demo-data").toString(), "--net", net, "--rate", "2k",
                "--p4runtime-port", "0", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--controller-admin", "127.0.0.1:0",
                "--translator-admin", "127.0.0.1:0", "--collector-admin", "127.0.0.1:0");
        Map<String, Set<String>> families = new HashMap<>();
        try (TestJvm demo = TestJvm.startUntilReady(DemoMain.class.getName(), args, dir, "demo", Duration.ofSeconds(60));
                HttpClient http = HttpClient.newHttpClient()) {
            // One query first, so the query service's histogram has a sample too.
            get(http, "http://" + demo.ready("http") + "/api/v1/stores");
            for (var e : ENDPOINTS.entrySet()) {
                String component = e.getValue()[0];
                String prefix = e.getValue()[1];
                String text = scrapeOnceFilled(http, "http://" + demo.ready(e.getKey()) + "/metrics");
                Path file = dir.resolve(e.getKey() + ".prom");
                Files.writeString(file, text);
                promtoolAccepts(file);
                Set<String> names = familyNames(text);
                for (String name : names) {
                    assertTrue(name.startsWith(prefix), e.getKey() + ": " + name + " does not start with " + prefix);
                }
                families.computeIfAbsent(component, c -> new TreeSet<>()).addAll(names);
            }
            assertEquals(0, demo.stop(), demo.output());
        }
        for (var a : families.entrySet()) {
            for (var b : families.entrySet()) {
                if (!a.getKey().equals(b.getKey())) {
                    Set<String> shared = new TreeSet<>(a.getValue());
                    shared.retainAll(b.getValue());
                    assertTrue(shared.isEmpty(), a.getKey() + " and " + b.getKey() + " both expose " + shared);
                }
            }
        }
        assertEquals(Set.of("collector", "translator", "controller", "query"), families.keySet());
    }

    /** A scrape with at least 5 families (the query service's status ones come with its first status refresh). */
    private static String scrapeOnceFilled(HttpClient http, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String text = get(http, url);
            if (familyNames(text).size() >= 5) {
                return text;
            }
            assertTrue(System.nanoTime() < deadline, url + " exposes fewer than 5 families within 30 s:\n" + text);
            Thread.sleep(200);
        }
    }

    /** The names of the families ({@code # TYPE} lines) of a text exposition. */
    private static Set<String> familyNames(String text) {
        Set<String> names = new TreeSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }

    /** promtool check metrics: the exposition parses and passes Prometheus' lint (exit code 0). */
    private static void promtoolAccepts(Path file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool check metrics did not finish");
        assertEquals(0, p.exitValue(), "promtool check metrics " + file.getFileName() + ":\n" + out);
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }
}
