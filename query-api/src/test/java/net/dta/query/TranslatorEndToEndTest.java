package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import net.dta.collector.Collector;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.BucketMap;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.report.ReportEncoder;
import net.dta.query.model.QueryJson;
import net.dta.query.source.CollectorSource;
import net.dta.query.source.LocalCollector;
import net.dta.query.source.StatusSource;
import net.dta.query.v1.AppendEntry;
import net.dta.query.v1.AppendReadRequest;
import net.dta.query.v1.CounterEstimateRequest;
import net.dta.query.v1.CounterEstimateResponse;
import net.dta.query.v1.FlowPathRequest;
import net.dta.query.v1.FlowPathResponse;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.KeyWriteGetResponse;
import net.dta.query.v1.QueryServiceGrpc;

/**
 * The whole path: DTA reports over UDP to the software translator, which the switch controller
 * programmed from the deployment file and connected to two collectors through RDMA CM; RoCEv2 into
 * the collectors' stores; queries over gRPC and HTTP to the query service built on the same
 * deployment, routed by the same bucket maps. Every primitive, and each answer from the collector
 * the translator wrote to.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TranslatorEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void reportsThroughTheTranslatorAreAnsweredOverGrpcAndHttpFromTheRightCollector() throws Exception {
        try (TestNetwork net = new TestNetwork(dir);
             DatagramSocket reporter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            net.startCollectorsAndTranslator(2);
            Path file = net.writeDeployment("deployment.yaml", 10, 2, "");
            // A path is written when its last postcard arrives, or partly after the idle flush interval
            // (default 1 ms): on a loaded machine a sender can stall longer than that between two hops.
            String yaml = java.nio.file.Files.readString(file);
            java.nio.file.Files.writeString(file, yaml.replace("ack-interval: 1}", "ack-interval: 1, flush-interval: 2s}"));
            Controller controller = net.startController(file);
            TestNetwork.await("both queue pairs up and every store programmed", 30, () -> {
                TranslatorStatus t = controller.status().translators().get(0);
                return t.queuePairs().stream().allMatch(q -> q.state().equals("up"))
                        && t.stores().stream().allMatch(TranslatorStatus.StoreStatus::programmed);
            });
            Deployment deployment = DeploymentLoader.load(file);
            List<CollectorSource> inProcess = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Collector c = net.collectors.get(i).collector();
                inProcess.add(LocalCollector.inProcess("c" + i, c.stores(), StatusSource.inProcess(c::status)));
            }
            InetSocketAddress translator = net.translator().reportAddress();
            byte[] buf = new byte[128];
            MemorySegment seg = MemorySegment.ofArray(buf);

            // Key-Write and Key-Increment for 8 flows; a 3-hop path for each; Append lists 0 and 1; a sketch shipment.
            List<byte[]> flows = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] k = Keys.parse("10.7.0." + i + ":" + (5000 + i) + "->10.8.0.1:443/tcp");
                flows.add(k);
                send(reporter, buf, ReportEncoder.keyWrite(seg, 0, 1, 0, k, new byte[] {0, 0, 0, (byte) (40 + i)}), translator);
                send(reporter, buf, ReportEncoder.keyIncrement(seg, 0, 2, 0, k, 1000 + i), translator);
                send(reporter, buf, ReportEncoder.keyIncrement(seg, 0, 2, 0, k, 1000 + i), translator);
                for (int hop = 0; hop < 3; hop++) {
                    send(reporter, buf, ReportEncoder.postcard(seg, 0, 3, hop, 3, k, (hop + 1) << 24 | (i * 10 + hop)), translator);
                }
            }
            for (int list = 0; list < 2; list++) {
                for (int e = 0; e < 3; e++) {
                    send(reporter, buf, ReportEncoder.append(seg, 0, 4, list, 0xA0000000 + list * 0x100 + e), translator);
                }
            }
            byte[] hh = flows.get(0);
            DtaHash hash = new DtaHash();
            for (int row = 0; row < 2; row++) {
                int column = hash.index(hh, row, 10);
                send(reporter, buf, ReportEncoder.sketchMerge(seg, 0, 5, row, column, new int[] {77}, 1), translator);
            }

            try (QueryServer server = QueryServer.start(QueryServices.forDeployment(deployment, inProcess, Duration.ofMillis(200),
                    Duration.ofSeconds(5)), new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0),
                    new InetSocketAddress("127.0.0.1", 0), false, null))) {
                ManagedChannel channel = NettyChannelBuilder.forAddress(server.grpcAddress()).usePlaintext().build();
                try {
                    QueryServiceGrpc.QueryServiceBlockingStub grpc = QueryServiceGrpc.newBlockingStub(channel);
                    var kwStore = deployment.store("queue-depth").orElseThrow();
                    for (int i = 0; i < flows.size(); i++) {
                        byte[] k = flows.get(i);
                        String expected = deployment.collectorForKey(kwStore, k).name();
                        int value = 40 + i;
                        TestNetwork.await("flow " + i + " readable", 10, () -> grpc.withDeadlineAfter(5, TimeUnit.SECONDS)
                                .keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth").setKey(Keys.hex(k)).build()).getFound());
                        KeyWriteGetResponse kw = grpc.keyWriteGet(KeyWriteGetRequest.newBuilder().setStore("queue-depth")
                                .setKey(Keys.hex(k)).build());
                        assertEquals(value, kw.getValue().byteAt(3));
                        assertEquals(2, kw.getAgree());
                        assertEquals(expected, kw.getCollector(), "the collector the translator wrote to");

                        long sum = 2L * (1000 + i);
                        TestNetwork.await("flow " + i + " counted", 10, () -> grpc.counterEstimate(CounterEstimateRequest.newBuilder()
                                .setStore("flow-bytes").setKey(Keys.hex(k)).build()).getEstimate() == sum);
                        CounterEstimateResponse ki = grpc.counterEstimate(CounterEstimateRequest.newBuilder().setStore("flow-bytes")
                                .setKey(Keys.hex(k)).build());
                        assertEquals(List.of(deployment.collectorForKey(deployment.store("flow-bytes").orElseThrow(), k).name()),
                                ki.getCollectorsList());

                        int flow = i;
                        TestNetwork.await("path of flow " + i, 10, () -> grpc.flowPath(FlowPathRequest.newBuilder().setStore("paths")
                                .setKey(Keys.hex(k)).build()).getValidHops() == 3);
                        FlowPathResponse path = grpc.flowPath(FlowPathRequest.newBuilder().setStore("paths").setKey(Keys.hex(k)).build());
                        for (int hop = 0; hop < 3; hop++) {
                            assertEquals(hop + 1, path.getHops(hop).getSwitchId());
                            assertEquals(flow * 10 + hop, path.getHops(hop).getQueueDepth());
                        }
                    }

                    // Append: list 0 on c0, list 1 on c1 (bucket = list & 0xFF, collectors[bucket mod 2]).
                    for (int list = 0; list < 2; list++) {
                        int l = list;
                        TestNetwork.await("list " + list, 10, () -> grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops")
                                .setList(l).setFromPosition(0).build()).getEntriesCount() == 3);
                        var r = grpc.appendRead(AppendReadRequest.newBuilder().setStore("drops").setList(list).setFromPosition(0).build());
                        assertEquals("c" + list, r.getCollector());
                        assertEquals(List.of(0xA0000000 + list * 0x100, 0xA0000001 + list * 0x100, 0xA0000002 + list * 0x100),
                                r.getEntriesList().stream().map(AppendEntry::getValue).toList());
                    }

                    // The same over HTTP, and the sketch whose rows live where their columns' buckets say.
                    HttpClient http = HttpClient.newHttpClient();
                    String base = "http://" + QueryServer.hostPort(server.httpAddress()) + "/api/v1/stores/";
                    TestNetwork.await("the sketch shipment", 10, () -> json(http, base + "heavy-hitters/counter?key=" + Keys.hex(hh))
                            .get("estimate").asLong() == 77);
                    JsonNode sk = json(http, base + "heavy-hitters/counter?key=" + Keys.hex(hh));
                    for (JsonNode row : sk.get("rows")) {
                        long column = row.get("column").asLong();
                        assertEquals("c" + (BucketMap.bucketOfColumn(column) % 2), row.get("collector").asText());
                    }
                    JsonNode path = json(http, base + "paths/path?key=" + Keys.hex(flows.get(3)));
                    assertEquals(3, path.get("valid_hops").asInt());
                    assertEquals(31, path.at("/hops/1/queue_depth").asInt());
                    JsonNode status = json(http, "http://" + QueryServer.hostPort(server.httpAddress()) + "/api/v1/status?refresh=true");
                    assertEquals(2, status.get("collectors").size());
                    assertTrue(status.at("/collectors/0/queue_pairs/0/up").asBoolean(), status.toString());
                    long kwWrites = 0;
                    for (JsonNode s : status.get("stores")) {
                        if (s.get("name").asText().equals("queue-depth")) {
                            kwWrites += s.get("writes").asLong();
                        }
                    }
                    assertEquals(16, kwWrites, "8 Key-Write reports, 2 replicas each, over both collectors");
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void send(DatagramSocket socket, byte[] buf, int length, InetSocketAddress to) throws Exception {
        socket.send(new DatagramPacket(buf, length, to));
    }

    private static JsonNode json(HttpClient http, String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            return QueryJson.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
