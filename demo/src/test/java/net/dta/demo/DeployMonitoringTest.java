package net.dta.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.dta.testkit.ExternalTools;
import net.dta.testkit.RepoPaths;
import net.dta.testkit.TestJvm;

/**
 * The monitoring files under deploy/ as an operator uses them: promtool accepts the scrape
 * configuration and the alerting rules; Debian's Prometheus, started with that configuration
 * (targets pointed at a running demo, shorter intervals), scrapes every component; and every
 * PromQL expression of the Grafana dashboard and of the alerting rules (without its threshold)
 * returns series from that live scrape. A metric renamed in a component fails this test.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DeployMonitoringTest {
    private static final Path DEPLOY = RepoPaths.root().resolve("deploy");
    private static final Path PROMETHEUS_YML = DEPLOY.resolve("prometheus/prometheus.yml");
    private static final Path ALERTS_YML = DEPLOY.resolve("prometheus/dta-alerts.yml");
    private static final Path DASHBOARD = DEPLOY.resolve("grafana/dashboards/dta-overview.json");
    /** "query comparison number": the form every alert expression has (dta-alerts.yml's header). */
    private static final Pattern THRESHOLD = Pattern.compile("^(.*?)\\s*(==|!=|>=|<=|>|<)\\s*[0-9.eE+-]+$", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void promtoolAcceptsTheShippedConfigurationAndRules() throws IOException {
        ExternalTools.requirePrometheus();
        // promtool check config also checks the rule files it names, relative to the config.
        Files.copy(PROMETHEUS_YML, dir.resolve("prometheus.yml"));
        Files.copy(ALERTS_YML, dir.resolve("dta-alerts.yml"));
        promtool("check", "config", dir.resolve("prometheus.yml").toString());
        ExternalTools.Result rules = promtool("check", "rules", ALERTS_YML.toString());
        assertTrue(rules.stdout().contains("SUCCESS"), rules.stdout());
    }

    @Test
    void everyDashboardPanelAndEveryAlertQueryReturnsDataFromALiveDeployment() throws Exception {
        ExternalTools.requirePrometheus();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String net = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250);
        List<String> args = List.of("--data-dir", dir.resolve("demo-data").toString(), "--net", net, "--rate", "2k",
                "--p4runtime-port", "0", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--controller-admin", "127.0.0.1:0",
                "--translator-admin", "127.0.0.1:0", "--collector-admin", "127.0.0.1:0");
        try (TestJvm demo = TestJvm.startUntilReady(DemoMain.class.getName(), args, dir, "demo", Duration.ofSeconds(60))) {
            // The shipped configuration with its default targets replaced by the demo's addresses.
            Map<String, String> targets = new LinkedHashMap<>();
            targets.put("127.0.0.1:40042", demo.ready("c1-admin"));
            targets.put("127.0.0.1:40052", demo.ready("c2-admin"));
            targets.put("127.0.0.1:40043", demo.ready("translator-admin"));
            targets.put("127.0.0.1:40044", demo.ready("controller-admin"));
            targets.put("127.0.0.1:40046", demo.ready("http"));
            String config = Files.readString(PROMETHEUS_YML);
            for (var t : targets.entrySet()) {
                assertTrue(config.contains("'" + t.getKey() + "'"), "prometheus.yml scrapes the default address " + t.getKey());
                config = config.replace("'" + t.getKey() + "'", "'" + t.getValue() + "'");
            }
            config = config.replace("scrape_interval: 15s", "scrape_interval: 1s").replace("evaluation_interval: 15s", "evaluation_interval: 1s");
            Files.writeString(dir.resolve("prometheus.yml"), config);
            Files.copy(ALERTS_YML, dir.resolve("dta-alerts.yml"));
            promtool("check", "config", dir.resolve("prometheus.yml").toString());

            String prometheus = "127.0.0.1:" + freePort();
            Process p = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=" + prometheus)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://" + prometheus + "/api/v1";
                String queryBase = "http://" + demo.ready("http") + "/api/v1";
                // Query traffic for the query-service panels: answered and failed queries.
                List<String> expressions = new ArrayList<>(dashboardExpressions());
                await("Prometheus scraping all 5 targets up", () -> {
                    get(queryBase + "/stores");
                    get(queryBase + "/stores/no-such-store/kw?key=x");
                    JsonNode up = promql(api, "up{job=~\"dta-.*\"} == 1");
                    return up != null && up.size() == 5;
                }, dir.resolve("prometheus.log"));

                JsonNode groups = json(api + "/rules").at("/data/groups");
                int rules = 0;
                for (JsonNode g : groups) {
                    for (JsonNode rule : g.get("rules")) {
                        assertEquals("ok", rule.get("health").asText(), rule.toString());
                        Matcher m = THRESHOLD.matcher(rule.get("query").asText());
                        assertTrue(m.matches(), "alert " + rule.get("name") + " is not '<query> <comparison> <number>': " + rule.get("query"));
                        expressions.add(m.group(1));
                        rules++;
                    }
                }
                assertTrue(rules >= 10, "the alerting rules loaded: " + rules);

                for (String expr : expressions) {
                    await("data for " + expr, () -> {
                        get(queryBase + "/stores/queue-depth/kw?key=" + URLEncoder.encode("10.0.0.1:1->10.0.0.2:2/tcp", StandardCharsets.UTF_8));
                        JsonNode result = promql(api, expr);
                        return result != null && !result.isEmpty();
                    }, dir.resolve("prometheus.log"));
                }
                // A healthy demo fires none of the alerts.
                JsonNode firing = promql(api, "ALERTS{alertstate=\"firing\"}");
                assertEquals(0, firing.size(), "alerts firing on a healthy deployment: " + firing);
            } finally {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            assertEquals(0, demo.stop(), demo.output());
        }
    }

    /** Every target's expr of every panel of the dashboard. */
    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertEquals("dta-prometheus", panel.at("/datasource/uid").asText(), "panel " + panel.get("title"));
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asText());
            }
        }
        assertTrue(exprs.size() >= 10, "dashboard expressions: " + exprs);
        return exprs;
    }

    /** The result vector of an instant query, or null when Prometheus does not answer yet. */
    private JsonNode promql(String api, String expr) {
        try {
            JsonNode answer = json(api + "/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
            assertEquals("success", answer.get("status").asText(), expr + ": " + answer);
            return answer.at("/data/result");
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode json(String url) throws IOException {
        return JSON.readTree(get(url));
    }

    private String get(String url) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within 60 s; Prometheus log:\n" + Files.readString(log));
            }
            Thread.sleep(250);
        }
    }

    private static ExternalTools.Result promtool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/promtool"));
        cmd.addAll(List.of(args));
        ExternalTools.Result r = ExternalTools.run(cmd, 60);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.stdout() + r.stderr());
        return r;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
