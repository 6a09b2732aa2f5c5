package net.dta.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import net.dta.query.model.QueryJson;
import net.dta.query.v1.AppendEntry;
import net.dta.query.v1.AppendReadRequest;
import net.dta.query.v1.AppendReadResponse;
import net.dta.query.v1.FlowPathRequest;
import net.dta.query.v1.FlowPathResponse;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.KeyWriteGetResponse;
import net.dta.query.v1.QueryServiceGrpc;
import net.dta.testkit.RepoPaths;
import net.dta.testkit.TestJvm;
import picocli.CommandLine.ExitCode;

/**
 * The demo as a user runs it: a separate JVM started with the demo's command line, queried over
 * HTTP and gRPC while it runs, stopped with SIGTERM, then started again on the same data
 * directory, where the first run's data must still be there before the second run adds its own.
 * Every endpoint is on a random 127.a.b.x prefix or a free port, so that a demo running on this
 * machine with its defaults is not disturbed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoProcessTest {
    private static final String DEMO = DemoMain.class.getName();
    private static final Duration READY = Duration.ofSeconds(60);
    private static final int EVENTS = DemoStores.DEMO_EVENTS_LIST;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theDemoAnswersEveryPrimitiveStopsCleanlyOnSigtermAndItsNextRunStillHoldsTheFirstRunsData() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String net = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250);
        Path data = dir.resolve("demo-data");
        List<String> args = List.of("--data-dir", data.toString(), "--net", net, "--rate", "2k", "--p4runtime-port", "0",
                "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--controller-admin", "127.0.0.1:0",
                "--translator-admin", "127.0.0.1:0", "--collector-admin", "127.0.0.1:0");

        // Run 1: every primitive answered, HTTP and gRPC agree; the demo's events recorded.
        Map<Long, Long> firstRunEvents = new HashMap<>();
        long webBytesInRun1;
        try (TestJvm demo = TestJvm.startUntilReady(DEMO, args, dir, "run1", READY)) {
            assertEquals(1, demo.readyNumber("run"));
            assertEquals(0, demo.readyNumber("earlier-events"), "a new data directory holds no events");
            String base = "http://" + demo.ready("http") + "/api/v1";
            ManagedChannel channel = NettyChannelBuilder.forTarget(demo.ready("grpc")).usePlaintext().build();
            try {
                var grpc = QueryServiceGrpc.newBlockingStub(channel);
                String web = DemoFlows.WEB.key();

                await("the web flow's path", demo, () -> grpc.flowPath(pathRequest(web)).getValidHops() == 3);
                FlowPathResponse path = grpc.flowPath(pathRequest(web));
                for (int hop = 0; hop < 3; hop++) {
                    assertTrue(path.getHops(hop).getValid());
                    assertEquals(DemoFlows.WEB.switches()[hop], path.getHops(hop).getSwitchId(), "switch of hop " + hop);
                    assertEquals(DemoFlows.WEB.queueDepths()[hop], path.getHops(hop).getQueueDepth(), "queue depth at hop " + hop);
                }
                JsonNode httpPath = json(base + "/stores/paths/path?key=" + url(web));
                assertEquals(3, httpPath.get("valid_hops").asInt());
                assertEquals(path.getCollector(), httpPath.get("collector").asText(), "HTTP and gRPC read the same collector");
                assertEquals(21, httpPath.at("/hops/1/switch_id").asInt());

                KeyWriteGetResponse kw = grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey(web).build());
                assertTrue(kw.getFound());
                assertEquals(40, kw.getValue().byteAt(3), "the web flow's deepest queue");
                assertEquals(2, kw.getAgree());
                JsonNode httpKw = json(base + "/stores/queue-depth/kw?key=" + url(web));
                assertEquals(40, httpKw.get("value_uint").asInt());
                assertEquals(kw.getCollector(), httpKw.get("collector").asText());

                String backup = DemoFlows.BACKUP.key();
                await("the backup flow's second second of bytes", demo,
                        () -> json(base + "/stores/flow-bytes/counter?key=" + url(backup)).get("estimate").asLong() >= 3_000_000);
                await("the backup flow's packets in the merged sketch", demo,
                        () -> json(base + "/stores/heavy-hitters/counter?key=" + url(backup)).get("estimate").asLong() >= 2_000);
                assertEquals(5, json(base + "/stores/paths/path?key=" + url(backup)).get("valid_hops").asInt());

                // The generated load reaches every store of every collector.
                await("the load in every store shard", demo, () -> {
                    JsonNode status = json(base + "/status?refresh=true");
                    int shards = 0;
                    for (JsonNode s : status.get("stores")) {
                        if (s.get("writes").asLong() + s.get("atomics").asLong() == 0) {
                            return false;
                        }
                        shards++;
                    }
                    return shards == 10;
                });

                // The demo's events: one a second, run 1 in the top byte, consecutive seconds from 0.
                await("three demo events", demo, () -> events(grpc, 0).getEntriesCount() >= 3);
                AppendReadResponse events = events(grpc, 0);
                for (int i = 0; i < events.getEntriesCount(); i++) {
                    AppendEntry e = events.getEntries(i);
                    assertEquals(i, e.getPosition());
                    assertEquals(DemoFlows.event(1, i), e.getValue(), "event at position " + i);
                    firstRunEvents.put(e.getPosition(), Integer.toUnsignedLong(e.getValue()));
                }
                webBytesInRun1 = json(base + "/stores/flow-bytes/counter?key=" + url(web)).get("estimate").asLong();
                assertTrue(webBytesInRun1 >= 150_000, "web flow bytes " + webBytesInRun1);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(0, demo.stop(), demo.output());
            String out = demo.output();
            assertTrue(out.contains("stopped cleanly"), out);
            assertTrue(out.contains("queue pairs 2/2 up, 5/5 stores programmed"), out);
        }

        // Run 2 on the same directory: before it sends anything it finds run 1's data, and the
        // events of run 1 are still at their positions, followed by run 2's.
        try (TestJvm demo = TestJvm.startUntilReady(DEMO, args, dir, "run2", READY)) {
            String out = demo.output();
            assertEquals(2, demo.readyNumber("run"), out);
            assertTrue(out.contains("reusing the data of 1 earlier run"), out);
            assertTrue(out.contains("5 stores reopened with their data"), out);
            assertTrue(demo.readyNumber("earlier-events") >= firstRunEvents.size(), out);
            assertEquals(3, demo.readyNumber("earlier-web-hops"), "the web flow's path, read before run 2 sent anything");
            assertEquals(40, demo.readyNumber("earlier-web-queue"));
            assertTrue(demo.readyNumber("earlier-web-bytes") >= webBytesInRun1, "byte counters only grow");
            long next = demo.readyNumber("earlier-events-next-position");
            ManagedChannel channel = NettyChannelBuilder.forTarget(demo.ready("grpc")).usePlaintext().build();
            try {
                var grpc = QueryServiceGrpc.newBlockingStub(channel);
                await("an event of run 2", demo, () -> events(grpc, next).getEntriesCount() >= 1);
                AppendReadResponse all = events(grpc, 0);
                List<Long> runs = new ArrayList<>();
                for (AppendEntry e : all.getEntriesList()) {
                    long value = Integer.toUnsignedLong(e.getValue());
                    Long first = firstRunEvents.get(e.getPosition());
                    if (first != null) {
                        assertEquals(first, value, "run 1's event at position " + e.getPosition() + " is still there");
                    }
                    runs.add((long) DemoFlows.runOf(value));
                }
                assertEquals(0, all.getEntries(0).getPosition());
                assertEquals(1L, runs.get(0));
                assertEquals(2L, (long) DemoFlows.runOf(Integer.toUnsignedLong(events(grpc, next).getEntries(0).getValue())),
                        "run 2's first event follows run 1's last (the controller recovered the list's tail)");
                assertEquals(DemoFlows.event(2, 0), events(grpc, next).getEntries(0).getValue());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(0, demo.stop(), demo.output());
            assertTrue(demo.output().contains("stopped cleanly"), demo.output());
        }
    }

    @Test
    void theLauncherRunsTheDemo() throws Exception {
        // The build of this test run just wrote demo/target/classpath.txt: the launcher must not build again.
        ProcessBuilder pb = new ProcessBuilder(RepoPaths.root().resolve("dta").toString(), "demo", "--help").redirectErrorStream(true);
        pb.environment().put("DTA_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Usage: demo") && out.contains("--duration") && out.contains("docs/demo.md"), out);
    }

    @Test
    void aBadOptionIsNamedWithExitCode2() {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = DemoMain.doMain(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "--net", "10.0.0");
        assertEquals(ExitCode.USAGE, code);
        assertTrue(err.toString().contains("--net:"), err.toString());
    }

    private static FlowPathRequest pathRequest(String key) {
        return FlowPathRequest.newBuilder().setStore("paths").setKey(key).build();
    }

    private static AppendReadResponse events(QueryServiceGrpc.QueryServiceBlockingStub grpc, long from) {
        return grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(EVENTS).setFromPosition(from).setMax(1000).build());
    }

    private JsonNode json(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), url + ": " + r.body());
            return QueryJson.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(url + ": " + e, e);
        }
    }

    private static String url(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static void await(String what, TestJvm demo, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 20 s waiting for " + what + "; the demo's output:\n" + demo.output());
            }
            Thread.sleep(100);
        }
    }
}
