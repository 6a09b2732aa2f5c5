package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import net.dta.collector.Collector;
import net.dta.protocol.Keys;
import net.dta.query.grpc.QueryClient;
import net.dta.query.model.QueryJson;
import net.dta.query.source.StatusSource;
import net.dta.query.v1.AppendEntry;
import net.dta.query.v1.AppendFollowRequest;
import net.dta.query.v1.AppendFollowResponse;
import net.dta.query.v1.AppendReadRequest;
import net.dta.query.v1.AppendReadResponse;
import net.dta.query.v1.CounterEstimateRequest;
import net.dta.query.v1.CounterEstimateResponse;
import net.dta.query.v1.FlowPathRequest;
import net.dta.query.v1.FlowPathResponse;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.KeyWriteGetResponse;
import net.dta.query.v1.ListStoresRequest;
import net.dta.query.v1.QueryServiceGrpc;
import net.dta.query.v1.StatusRequest;
import net.dta.query.v1.StatusResponse;
import net.dta.query.v1.StoreStatus;

/**
 * The query service against a real collector (the daemon, in this JVM) written into with real
 * RoCEv2 over loopback UDP, the data of protocol.md section 10: every operation over gRPC (a real
 * socket and in-process) and over HTTP, following an Append list while it grows, status and
 * metrics, and the errors a client gets for bad queries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueryApiEndToEndTest {
    static final String KEY = "10.0.0.1:8080->10.0.0.2:80/tcp";
    static final String COLLECTOR_IP = "127.0.77.2";
    static final String FEEDER_IP = "127.0.77.1";

    @TempDir
    static Path dir;

    Collector collector;
    Feeder feeder;
    QueryServer server;
    ManagedChannel channel;
    QueryServiceGrpc.QueryServiceBlockingStub grpc;
    final HttpClient http = HttpClient.newHttpClient();
    final String inProcessName = "query-e2e-" + System.nanoTime();

    @BeforeAll
    void start() throws Exception {
        collector = TestCollectors.start(dir, "c1", COLLECTOR_IP);
        feeder = Feeder.connect(FEEDER_IP, COLLECTOR_IP, 0x000103);
        byte[] key = Keys.parse(KEY);
        feeder.keyWrite("queue-depth", key, 7);
        feeder.increment("flow-bytes", key, 1500);
        feeder.increment("flow-bytes", key, 500);
        feeder.path("paths", key, 0x01000010, 0x02000020, 0x03000030);
        feeder.append("drops", 1, 0xDEAD0001, 0xDEAD0002);
        feeder.increment("heavy-hitters", key, 42);

        QueryService service = QueryServices.forDataDir("c1", collector.config().dataDir(),
                StatusSource.admin(QueryServer.hostPort(collector.adminAddress())), Duration.ofMillis(200));
        server = QueryServer.start(service, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), true, inProcessName));
        channel = NettyChannelBuilder.forAddress(server.grpcAddress()).usePlaintext().build();
        grpc = QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (feeder != null) {
            feeder.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void grpcOverASocketAnswersEveryOperation() {
        KeyWriteGetResponse kw = grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey(KEY).build());
        assertTrue(kw.getFound());
        assertEquals("00000007", java.util.HexFormat.of().formatHex(kw.getValue().toByteArray()));
        assertEquals(2, kw.getAgree());
        assertEquals(2, kw.getRedundancy());
        assertEquals("c1", kw.getCollector());
        assertEquals("0a0000010a0000021f90005006000000", kw.getKeyHex());

        CounterEstimateResponse ki = grpc.counterEstimate(CounterEstimateRequest.newBuilder().setStore("flow-bytes").setKey(KEY).build());
        assertEquals(2000, ki.getEstimate());
        assertEquals(2, ki.getRowsCount());
        assertEquals(List.of("c1"), ki.getCollectorsList());

        CounterEstimateResponse sk = grpc.counterEstimate(CounterEstimateRequest.newBuilder().setStore("heavy-hitters").setKey(KEY).build());
        assertEquals(42, sk.getEstimate());
        assertEquals("sketch", sk.getKind());
        assertEquals(0x254, sk.getRows(0).getColumn(), "row 0's column as in protocol.md 10.6 (index(key, 0, 10))");

        FlowPathResponse path = grpc.flowPath(FlowPathRequest.newBuilder().setStore("paths").setKey(KEY).build());
        assertEquals(5, path.getHopsCount());
        assertEquals(3, path.getValidHops());
        for (int h = 0; h < 3; h++) {
            assertTrue(path.getHops(h).getValid());
            assertEquals(h + 1, path.getHops(h).getSwitchId());
            assertEquals(0x10 * (h + 1), path.getHops(h).getQueueDepth());
        }
        assertFalse(path.getHops(3).getValid());

        AppendReadResponse ap = grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(1).setFromPosition(0).build());
        assertEquals(List.of(0xDEAD0001, 0xDEAD0002), ap.getEntriesList().stream().map(AppendEntry::getValue).toList());
        assertEquals(2, ap.getNextPosition());
        assertEquals(0, ap.getOverrun());
        AppendReadResponse tail = grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(1).setFromTail(true).build());
        assertEquals(2, tail.getNextPosition());
        assertEquals(0, tail.getEntriesCount());

        net.dta.query.v1.KeyWriteGetManyResponse many = grpc.keyWriteGetMany(net.dta.query.v1.KeyWriteGetManyRequest.newBuilder()
                .setStore("queue-depth").addKeys(KEY).addKeys("0b000001").addKeys("0a0000010a0000021f90005006").build());
        assertEquals(List.of(true, false, true), many.getAnswersList().stream().map(KeyWriteGetResponse::getFound).toList());
        assertEquals(2, many.getAnswers(2).getAgree());

        assertEquals(List.of("drops", "flow-bytes", "heavy-hitters", "paths", "queue-depth"), // a data directory's files, sorted
                grpc.listStores(ListStoresRequest.getDefaultInstance()).getStoresList().stream().map(s -> s.getName()).toList());
    }

    @Test
    void inProcessGrpcServesTheSameService() {
        ManagedChannel local = InProcessChannelBuilder.forName(inProcessName).directExecutor().build();
        try {
            FlowPathResponse path = QueryServiceGrpc.newBlockingStub(local)
                    .flowPath(FlowPathRequest.newBuilder().setStore("paths").setKey(KEY).build());
            assertEquals(0x02000020, path.getHops(1).getValue());
        } finally {
            local.shutdownNow();
        }
    }

    @Test
    void httpAnswersTheSameOperationsAsJson() throws Exception {
        JsonNode kw = getJson("/api/v1/stores/queue-depth/kw?key=" + enc(KEY), 200);
        assertEquals("00000007", kw.get("value_hex").asText());
        assertEquals(7, kw.get("value_uint").asLong());
        assertEquals(2, kw.get("agree").asInt());
        assertEquals("c1", kw.get("collector").asText());
        assertEquals(1, getJson("/api/v1/stores/queue-depth/kw?redundancy=1&key=0a0000010a0000021f90005006", 200).get("agree").asInt());

        JsonNode many = getJson("/api/v1/stores/queue-depth/kw-many?keys=" + enc(KEY + ",0b000001"), 200);
        assertEquals(7, many.at("/answers/0/value_uint").asInt());
        assertFalse(many.at("/answers/1/found").asBoolean());
        assertHttpError("/api/v1/stores/queue-depth/kw-many", 400, "bad_argument");
        assertEquals(2000, getJson("/api/v1/stores/flow-bytes/counter?key=" + enc(KEY), 200).get("estimate").asLong());
        assertEquals(42, getJson("/api/v1/stores/heavy-hitters/counter?key=" + enc(KEY), 200).get("estimate").asLong());

        JsonNode path = getJson("/api/v1/stores/paths/path?key=" + enc(KEY), 200);
        assertEquals(3, path.get("valid_hops").asInt());
        assertEquals(2, path.at("/hops/1/switch_id").asInt());
        assertEquals(0x20, path.at("/hops/1/queue_depth").asInt());
        assertFalse(path.at("/hops/4/valid").asBoolean());

        JsonNode ap = getJson("/api/v1/stores/drops/append/1?from=0&max=10", 200);
        assertEquals(0xDEAD0001L, ap.at("/entries/0/value").asLong());
        assertEquals(2, ap.get("next_position").asLong());
        assertEquals(2, getJson("/api/v1/stores/drops/append/1?from=tail", 200).get("next_position").asLong());
        assertEquals(0, getJson("/api/v1/stores/drops/append/1", 200).get("from_position").asLong(), "default: the oldest entry");

        JsonNode stores = getJson("/api/v1/stores", 200);
        assertEquals("queue-depth", stores.at("/stores/4/name").asText());
        assertEquals("key-write", stores.at("/stores/4/kind").asText());
        assertEquals(1024, stores.at("/stores/4/capacity").asLong());
        assertEquals(2, stores.at("/stores/4/parameters/default_redundancy").asInt());
        assertEquals("c1", stores.at("/stores/4/collectors/0").asText());
    }

    @Test
    void badQueriesGetTheirReasonOverBothTransports() throws Exception {
        assertGrpcError(Status.Code.NOT_FOUND, "unknown_store", "no store named \"nope\"",
                () -> grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("nope").setKey(KEY).build()));
        assertGrpcError(Status.Code.INVALID_ARGUMENT, "bad_key", "cannot read key \"zz\"",
                () -> grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey("zz").build()));
        assertGrpcError(Status.Code.INVALID_ARGUMENT, "wrong_kind", "store \"flow-bytes\" is a key-increment store",
                () -> grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("flow-bytes").setKey(KEY).build()));
        assertGrpcError(Status.Code.INVALID_ARGUMENT, "bad_argument", "list must be 0..3",
                () -> grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(4).build()));
        assertGrpcError(Status.Code.INVALID_ARGUMENT, "bad_argument", "redundancy must be 1..8",
                () -> grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey(KEY).setRedundancy(9).build()));
        assertGrpcError(Status.Code.NOT_FOUND, "unknown_collector", "no collector named \"c9\"",
                () -> grpc.flowPath(FlowPathRequest.newBuilder().setStore("paths").setKey(KEY).setCollector("c9").build()));

        assertHttpError("/api/v1/stores/nope/kw?key=" + enc(KEY), 404, "unknown_store");
        assertHttpError("/api/v1/stores/queue-depth/kw?key=zz", 400, "bad_key");
        assertHttpError("/api/v1/stores/queue-depth/kw", 400, "bad_key");
        assertHttpError("/api/v1/stores/paths/counter?key=" + enc(KEY), 400, "wrong_kind");
        assertHttpError("/api/v1/stores/drops/append/x", 400, "bad_argument");
        assertHttpError("/api/v1/stores/queue-depth/kw?key=" + enc(KEY) + "&colector=c1", 400, "bad_argument");
        assertHttpError("/api/v1/nothing", 400, "bad_argument");
        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void edgeCasesFoundByTheHardeningCampaignAnswerAsDocumented() throws Exception {
        // Issue 13 item 13. An unwritten slot at the end of a sequence epoch is not an entry.
        HttpResponse<String> last = get("/api/v1/stores/drops/append/2?from=4294967295");
        assertEquals(200, last.statusCode(), last.body());
        assertEquals(0, QueryJson.MAPPER.readTree(last.body()).at("/entries").size(), last.body());
        // A position past 2^53 - 1 is refused instead of overflowing into negative positions.
        assertHttpError("/api/v1/stores/drops/append/2?from=9223372036854775807", 400, "bad_argument");
        assertGrpcError(Status.Code.INVALID_ARGUMENT, "bad_argument", "from must be a position 0..9007199254740991",
                () -> grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(2).setFromPosition(Long.MAX_VALUE).build()));
        // redundancy=0 is the store's default, as gRPC's 0 (docs/query.md); 9 is refused.
        JsonNode byDefault = QueryJson.MAPPER.readTree(get("/api/v1/stores/queue-depth/kw?key=" + enc(KEY) + "&redundancy=0").body());
        assertEquals(2, byDefault.at("/redundancy").asInt(), byDefault.toString());
        assertHttpError("/api/v1/stores/queue-depth/kw?key=" + enc(KEY) + "&redundancy=9", 400, "bad_argument");
        // Keys: up to 32 hex digits, with or without 0x; 33 or more are refused.
        String hex = Keys.hex(Keys.parse(KEY));
        assertEquals(200, get("/api/v1/stores/queue-depth/kw?key=0x" + hex).statusCode());
        assertHttpError("/api/v1/stores/queue-depth/kw?key=0x" + hex + "00", 400, "bad_key");
        assertHttpError("/api/v1/stores/queue-depth/kw?key=" + hex + "00", 400, "bad_key");
    }

    @Test
    void appendReadCountsOverwrittenEntries() throws Exception {
        int[] values = new int[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0x0A000000 + i;
        }
        feeder.append("drops", 3, values);
        AppendReadResponse r = grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(3).setFromPosition(0).build());
        assertEquals(4, r.getOverrun(), "a ring of 16 entries lapped by 20 appends: entries 0..3 are gone");
        assertEquals(16, r.getEntriesCount());
        assertEquals(4, r.getEntries(0).getPosition());
        assertEquals(0x0A000004, r.getEntries(0).getValue());
        assertEquals(20, r.getNextPosition());
    }

    @Test
    void followStreamsEntriesAsTheyAreAppended() throws Exception {
        List<AppendEntry> got = new ArrayList<>();
        long tail = grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(2).setFromTail(true).build()).getNextPosition();
        try (Context.CancellableContext ctx = Context.current().withCancellation()) {
            Iterator<AppendFollowResponse> stream = ctx.call(() -> QueryServiceGrpc.newBlockingStub(channel).appendFollow(
                    AppendFollowRequest.newBuilder().setStore("drops").setList(2).setFromPosition(tail).setPollIntervalMillis(10).build()));
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                while (got.size() < 3 && stream.hasNext()) {
                    got.addAll(stream.next().getEntriesList());
                }
            });
            feeder.append("drops", 2, 0xBEEF0001, 0xBEEF0002);
            Thread.sleep(100);
            feeder.append("drops", 2, 0xBEEF0003);
            reader.get(30, TimeUnit.SECONDS);
            ctx.cancel(null);
        }
        assertEquals(List.of(0xBEEF0001, 0xBEEF0002, 0xBEEF0003), got.stream().map(AppendEntry::getValue).toList());
        assertEquals(List.of(tail, tail + 1, tail + 2), got.stream().map(AppendEntry::getPosition).toList());
    }

    @Test
    void httpFollowLongPollsUntilAnEntryArrives() throws Exception {
        long tail = getJson("/api/v1/stores/drops/append/0?from=tail", 200).get("next_position").asLong();
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(uri(
                "/api/v1/stores/drops/append/0/follow?wait=20000&from=" + tail)).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        assertFalse(poll.isDone(), "nothing new yet: the request waits");
        feeder.append("drops", 0, 0xCAFE0001);
        JsonNode r = QueryJson.MAPPER.readTree(poll.get(30, TimeUnit.SECONDS).body());
        assertEquals(0xCAFE0001L, r.at("/entries/0/value").asLong());
        assertEquals(tail + 1, r.get("next_position").asLong());
        JsonNode none = getJson("/api/v1/stores/drops/append/0/follow?wait=0&from=" + (tail + 1), 200);
        assertEquals(0, none.get("entries").size(), "wait=0 answers at once");
    }

    @Test
    void statusShowsIngestFillAndQueuePairs() throws Exception {
        StatusResponse s = grpc.status(StatusRequest.newBuilder().setRefresh(true).build());
        assertEquals(1, s.getCollectorsCount());
        assertTrue(s.getCollectors(0).getReachable(), s.getCollectors(0).getError());
        assertEquals("RTS", s.getCollectors(0).getQueuePairs(0).getState());
        assertTrue(s.getCollectors(0).getQueuePairs(0).getWrites() >= 4);
        StoreStatus kw = s.getStoresList().stream().filter(x -> x.getName().equals("queue-depth")).findFirst().orElseThrow();
        assertTrue(kw.getIngestKnown());
        assertTrue(kw.getWrites() >= 2, kw.toString());
        assertEquals(2, kw.getOccupied(), "one key, two replicas");
        assertEquals(1024, kw.getExamined(), "a small store is counted exactly");
        double fill = 2.0 / 1024;
        assertEquals(fill, kw.getFill(), 1e-12);
        assertEquals(1 - fill * fill, kw.getKeyWriteSuccessProbability(), 1e-9, "1 - (1 - e^(-Nk/S))^N = 1 - fill^N");
        StoreStatus ki = s.getStoresList().stream().filter(x -> x.getName().equals("flow-bytes")).findFirst().orElseThrow();
        assertEquals(4, ki.getAtomics());
        assertTrue(s.getIngestList().stream().anyMatch(p -> p.getKind().equals("key-increment") && p.getOperations() >= 4));

        JsonNode h = getJson("/api/v1/status?refresh=true", 200);
        assertTrue(h.at("/collectors/0/reachable").asBoolean());
        assertEquals("admin " + QueryServer.hostPort(collector.adminAddress()), h.at("/collectors/0/status_source").asText());
    }

    @Test
    void aCollectorWhoseAdminEndpointDoesNotAnswerIsShownUnreachableButStillQueried() throws Exception {
        try (QueryService s = QueryServices.forDataDir("c1", collector.config().dataDir(), StatusSource.admin("127.0.0.1:1"),
                Duration.ofHours(1))) {
            var status = s.status("", true);
            assertFalse(status.collectors().get(0).reachable());
            assertTrue(status.collectors().get(0).error().contains("127.0.0.1:1"), status.collectors().get(0).error());
            assertFalse(status.stores().get(0).ingestKnown());
            assertEquals(7L, s.keyWrite("queue-depth", KEY, 0, "").valueUint(), "the files are read all the same");
        }
    }

    @Test
    void metricsCountQueriesErrorsAndIngest() throws Exception {
        grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey(KEY).build());
        getJson("/api/v1/stores/queue-depth/kw?key=" + enc(KEY), 200);
        assertHttpError("/api/v1/stores/nope/path?key=" + enc(KEY), 404, "unknown_store");
        grpc.status(StatusRequest.newBuilder().setRefresh(true).build());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("dta_query_seconds_count{operation=\"kw-get\",outcome=\"ok\",transport=\"grpc\"}"), metrics);
        assertTrue(metrics.contains("dta_query_seconds_count{operation=\"kw-get\",outcome=\"ok\",transport=\"http\"}"), metrics);
        assertTrue(metrics.contains("dta_query_errors_total{operation=\"path\",reason=\"unknown_store\"}"), metrics);
        assertTrue(metrics.contains("dta_query_seconds_bucket{operation=\"kw-get\",outcome=\"ok\",transport=\"grpc\""), "a histogram");
        assertTrue(metrics.contains("dta_query_ingest_operations_total{collector=\"c1\",kind=\"key-increment\",op=\"atomic\",store=\"flow-bytes\"}"),
                metrics);
        assertTrue(metrics.contains("dta_query_store_fill_ratio{collector=\"c1\",kind=\"key-write\",store=\"queue-depth\"}"), metrics);
        assertTrue(metrics.contains("dta_query_queue_pair_up{collector=\"c1\""), metrics);
    }

    @Test
    void theClientTurnsFailuresIntoTheServersReasons() {
        try (QueryClient client = QueryClient.connect(QueryServer.hostPort(server.grpcAddress()), 10_000)) {
            assertEquals(7, client.keyWrite("queue-depth", KEY, 0, "").valueUint());
            QueryException e = assertThrows(QueryException.class, () -> client.path("queue-depth", KEY, ""));
            assertEquals(QueryException.Reason.WRONG_KIND, e.reason());
        }
        try (QueryClient nobody = QueryClient.connect("127.0.0.1:1", 2_000)) {
            QueryException e = assertThrows(QueryException.class, () -> nobody.stores());
            assertEquals(QueryException.Reason.COLLECTOR_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        }
    }

    private static void assertGrpcError(Status.Code code, String reason, String message, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.toString());
        assertEquals(reason, e.getTrailers().get(QueryClient.REASON));
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
    }

    private void assertHttpError(String path, int status, String reason) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = QueryJson.MAPPER.readTree(r.body());
        assertEquals(reason, body.at("/error/reason").asText(), r.body());
        assertFalse(body.at("/error/message").asText().isEmpty());
    }

    private URI uri(String path) {
        return URI.create("http://" + QueryServer.hostPort(server.httpAddress()) + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path, int status) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), r.body());
        return QueryJson.MAPPER.readTree(r.body());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
