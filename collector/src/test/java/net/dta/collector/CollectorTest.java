package net.dta.collector;

import net.dta.testkit.TestCmSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.common.status.StatusJson;
import net.dta.collector.store.VectorStores;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaException;

class CollectorTest {
    @TempDir
    Path dir;

    static final String STORES = CollectorTestSupport.VECTOR_STORES;


    CollectorConfig config(String extraStores) throws Exception {
        Path file = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "collector: {name: test}\ndata-dir: data\nadmin: {address: 127.0.0.1:0}\n" + TestCmSecret.COLLECTOR_YAML
                + "queue-pairs: {persist-interval: 50ms}\n" + STORES + extraStores);
        return ConfigLoader.load(file);
    }

    @Test
    void advertisesACatalogThatAReadOfItsRegionReturns() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            ConnectReplyData rep = c.replyData();
            assertEquals(5, rep.storeCount());
            assertEquals(1, rep.catalogGeneration());
            assertEquals(32 + 128 * 5, rep.catalogLength());
            byte[] read = backend.read(rep.catalogRkey(), rep.catalogVa(), rep.catalogLength());
            Catalog catalog = Catalog.decode(read);
            assertEquals(c.catalog(), catalog);
            assertEquals(VectorStores.DEFINITIONS, catalog.entries().stream().map(CatalogEntry::definition).toList());
            assertFalse(backend.write(rep.catalogRkey(), rep.catalogVa(), new byte[8]), "the catalog is read-only");
        }
        assertTrue(backend.closed);
    }

    @Test
    void answersAConnectRequestWithTheReplyData() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            byte[] pd = ConnectRequestData.fresh(TestCmSecret.bytes(), 7,
                    new net.dta.protocol.auth.CmBinding(0x7F000001, 4791, 0x7F000001, 40041, 0x103));
            byte[] reply = backend.handler.onConnectRequest(new ConnectRequest(InetAddress.getLoopbackAddress(), 0x103, 0x100,
                    0x0000000001060000L | 40041, 1L, pd));
            assertEquals(ConnectReplyData.BYTES, reply.length);
            ConnectReplyData d = ConnectReplyData.decode(MemorySegment.ofArray(reply), 0);
            assertEquals(c.replyData(), d);
            assertEquals(c.bootId(), d.bootId());
            // A plain RDMA client (no DTA1 magic) is served too.
            assertNotNull(backend.handler.onConnectRequest(new ConnectRequest(InetAddress.getLoopbackAddress(), 0x104, 1, 0, 1L, new byte[56])));
            assertEquals(2, c.status().connections().requests());
            assertEquals(1, c.status().connections().plainClients());
        }
    }

    /** Issue 13 item 2: a requester's counters survive its queue pairs' replacement. */
    @Test
    void requesterTotalsKeepTheCountersOfClosedQueuePairs() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            InetAddress t = InetAddress.getLoopbackAddress();
            for (int i = 1; i <= 2; i++) {
                backend.handler.onClosed(new net.dta.rdma.endpoint.QueuePairInfo(0x10 + i, t, 0x103, 0, "RTS", 100 * i, 1000 * i,
                        10 * i, 5 * i, 1, 7, i, 0, java.util.Map.of("psn_sequence", (long) i), java.util.Map.of("out_of_sequence", 3L),
                        0L), "replaced by a new connection from the same requester");
            }
            var r = c.status().requesters().getFirst();
            assertEquals(t.getHostAddress(), r.remote());
            assertEquals(2, r.queuePairs());
            assertEquals(300, r.packets());
            assertEquals(30, r.writes());
            assertEquals(15, r.atomics());
            assertEquals(3, r.psnGaps());
            assertEquals(3L, r.naks().get("psn_sequence"));
            assertEquals(6L, r.drops().get("out_of_sequence"));
        }
    }

    @Test
    void storeRegionsGetOnlyTheRightsTheirPrimitiveNeeds() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            CatalogEntry kw = c.catalog().entries().get(0);
            CatalogEntry ki = c.catalog().entries().get(1);
            assertTrue(backend.write(kw.rkeyFor(0), kw.va(), new byte[8]));
            assertEquals(null, backend.fetchAdd(kw.rkeyFor(0), kw.va(), 1), "no atomics into a key-write table");
            assertEquals(0L, backend.fetchAdd(ki.rkeyFor(0), ki.va(), 5));
            assertFalse(backend.write(ki.rkeyFor(0), ki.va(), new byte[8]), "no writes into a counter store");
        }
    }

    @Test
    void aRestartKeepsDataDescriptorsAndGeneration() throws Exception {
        byte[] key = VectorStores.key();
        DtaHash hash = new DtaHash();
        List<CatalogEntry> before;
        long bootBefore;
        FakeBackend first = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> first)) {
            before = c.catalog().entries();
            bootBefore = c.bootId();
            CatalogEntry kw = before.get(0);
            KeyWriteLayout layout = (KeyWriteLayout) kw.definition().layout();
            byte[] slot = new byte[8];
            KeyWriteStore.encodeSlot(hash, key, new byte[] {0, 0, 0, 7}, 0, 4, MemorySegment.ofArray(slot), 0);
            for (int i = 0; i < 2; i++) {
                long off = KeyWriteStore.slotOffset(hash, layout, key, i);
                assertTrue(first.write(kw.rkeyFor(off), kw.va() + off, slot));
            }
            CatalogEntry ki = before.get(1);
            for (int r = 0; r < 2; r++) {
                long off = net.dta.protocol.store.CounterStore.counterOffset(hash, (net.dta.protocol.layout.CounterLayout) ki.definition().layout(), key, r);
                first.fetchAdd(ki.rkeyFor(off), ki.va() + off, 1500);
            }
        }
        FakeBackend second = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> second)) {
            assertEquals(before, c.catalog().entries(), "same va and rkeys for every store");
            assertEquals(1, c.catalog().generation());
            assertNotEquals(bootBefore, c.bootId(), "a new boot id tells the controller of the restart");
            KeyWriteStore.Result r = c.stores().keyWrite("queue-depth").get(key);
            assertEquals("00000007", HexFormat.of().formatHex(r.value()));
            assertEquals(2, r.agree());
            assertEquals(1500, c.stores().counters("flow-bytes").estimate(key));
        }
    }

    @Test
    void changingTheStoreSetIncrementsTheGenerationAndKeepsOtherDescriptors() throws Exception {
        List<CatalogEntry> before;
        try (Collector c = Collector.start(config(""), cfg -> new FakeBackend())) {
            before = c.catalog().entries();
        }
        try (Collector c = Collector.start(config("  - {name: extra, id: 9, kind: key-write, slots: 64}\n"), cfg -> new FakeBackend())) {
            assertEquals(2, c.catalog().generation());
            assertEquals(before, c.catalog().entries().subList(0, 5));
            assertEquals(6, c.replyData().storeCount());
        }
        try (Collector c = Collector.start(config("  - {name: extra, id: 9, kind: key-write, slots: 64}\n"), cfg -> new FakeBackend())) {
            assertEquals(2, c.catalog().generation(), "same set, same generation");
        }
    }

    @Test
    void queuePairStatesAreSavedAndRestored() throws Exception {
        QueuePairState qp = new QueuePairState(0x11, new byte[] {10, 0, 0, 1}, 0x103, 0x1234, 7, 1024, 0x11223344L, 0x0A0B0C0DL);
        FakeBackend first = new FakeBackend();
        try (Collector ignored = Collector.start(config(""), cfg -> first)) {
            first.addQueuePair(qp);
        }
        FakeBackend second = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> second)) {
            assertEquals(1, second.queuePairStates().size());
            QueuePairState got = second.queuePairStates().get(0);
            assertEquals(qp.qpn(), got.qpn());
            assertArrayEquals(qp.remoteAddress(), got.remoteAddress());
            assertEquals(qp.expectedPsn(), got.expectedPsn());
            assertEquals(qp.remoteCommId(), got.remoteCommId());
            assertEquals(1, c.status().persistence().queuePairsRestored());
        }
    }

    /** Issue 14 item 7: the endpoint's own thread stopped (ResponderFailureTest makes the real one stop): every view says so. */
    @Test
    void aStoppedResponderThreadShowsInStatusMetricsAndHealth() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + c.adminAddress().getPort();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                    .body().contains("dta_collector_endpoint_running 1.0"));

            backend.failure = new OutOfMemoryError("Java heap space (reproduced)");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("responder thread failed: java.lang.OutOfMemoryError: Java heap space"), health.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("dta_collector_endpoint_running 0.0"), metrics);
            JsonNode j = StatusJson.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(j.at("/endpoint/failure").asText().startsWith("java.lang.OutOfMemoryError"), j.toString());
        }
    }

    @Test
    void statusAndMetricsShowTheSoftwareResponderThreads() throws Exception {
        String address = net.dta.testkit.Loopback.uniqueSubnet() + "1";
        try (Collector c = Collector.start(config("network: {address: " + address + ", threads: 2}\n"), new DefaultBackends())) {
            net.dta.collector.status.CollectorStatus s = c.status();
            assertEquals(2, s.ingest().threads());
            assertEquals(List.of(0L, 0L), s.ingest().packetsPerThread());
            assertTrue(s.ingest().description().contains("2 data-plane threads"), s.ingest().description());
            String metrics = net.dta.collector.status.CollectorMetrics.render(s);
            assertTrue(metrics.contains("dta_collector_endpoint_threads 2.0"), metrics);
            assertTrue(metrics.contains("dta_collector_endpoint_thread_packets_received_total{thread=\"1\"} 0.0"), metrics);
        }
    }

    @Test
    void statusAndMetricsShowTheSameCounters() throws Exception {
        FakeBackend backend = new FakeBackend();
        try (Collector c = Collector.start(config(""), cfg -> backend)) {
            backend.addQueuePair(new QueuePairState(0x11, new byte[] {127, 0, 0, 1}, 0x103, 5, 0, 1024, 1, 2));
            CatalogEntry kw = c.catalog().entries().get(0);
            backend.write(kw.rkeyFor(0), kw.va(), new byte[8]);
            backend.write(kw.rkeyFor(0), kw.va() + 8, new byte[8]);
            backend.fetchAdd(kw.rkeyFor(0), kw.va(), 1);
            backend.drop("unknown_qp");
            backend.drop("bad_icrc");

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + c.adminAddress().getPort();
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            JsonNode j = StatusJson.MAPPER.readTree(status.body());
            assertEquals("test", j.get("collector").asText());
            assertEquals("udp", j.at("/ingest/mode").asText());
            assertFalse(j.at("/ingest/icrc_verified").asBoolean());
            assertEquals(5, j.get("stores").size());
            JsonNode qd = j.get("stores").get(0);
            assertEquals("queue-depth", qd.get("name").asText());
            assertEquals("key-write", qd.get("kind").asText());
            assertEquals("2^10 slots x 8 B, redundancy 2", qd.get("layout").asText());
            assertEquals(2, qd.get("writes").asLong());
            assertEquals(1, qd.get("access_errors").asLong());
            assertEquals(1, j.at("/endpoint/unknown_qps").asLong());
            assertEquals(1, j.at("/endpoint/drops/bad_icrc").asLong());
            JsonNode qp = j.get("queue_pairs").get(0);
            assertTrue(qp.get("qpn") == null, "no QPN without client authentication (StatusSecretsTest)");
            String id = qp.get("id").asText();
            assertEquals("127.0.0.1", qp.get("remote").asText());
            assertEquals("RTS", qp.get("state").asText());
            assertEquals(1, qp.at("/naks/psn_sequence").asLong());
            assertEquals(1, qp.get("psn_gaps").asLong());
            assertEquals(2, qp.get("duplicates").asLong());

            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : List.of(
                    "dta_collector_store_writes_total{kind=\"key-write\",store=\"queue-depth\"} 2.0",
                    "dta_collector_store_access_errors_total{kind=\"key-write\",store=\"queue-depth\"} 1.0",
                    "dta_collector_endpoint_drops_total{reason=\"bad_icrc\"} 1.0",
                    "dta_collector_endpoint_unknown_qps_total 1.0",
                    "dta_collector_endpoint_packets_received_total 3.0",
                    "dta_collector_queue_pair_naks_total{qp=\"" + id + "\",remote=\"127.0.0.1\",syndrome=\"psn_sequence\"} 1.0",
                    "dta_collector_queue_pair_up{qp=\"" + id + "\",remote=\"127.0.0.1\"} 1.0",
                    "dta_collector_catalog_generation 1.0",
                    "dta_collector_store_data_bytes{kind=\"sketch\",store=\"heavy-hitters\"} 16384.0")) {
                assertTrue(metrics.contains(line), "missing <" + line + "> in\n" + metrics);
            }
            assertTrue(metrics.contains("dta_collector_info{backend=\"fake\""), metrics);
        }
    }

    @Test
    void aSecondCollectorOnTheSameDataDirectoryIsRefused() throws Exception {
        CollectorConfig cfg = config("");
        try (Collector ignored = Collector.start(cfg, x -> new FakeBackend())) {
            CollectorStartException e = assertThrows(CollectorStartException.class, () -> Collector.start(cfg, x -> new FakeBackend()));
            assertTrue(e.getMessage().contains("already runs a collector") || e.getMessage().contains("another collector"), e.getMessage());
        }
    }

    @Test
    void aBackendThatCannotStartLeavesNothingBehind() throws Exception {
        CollectorConfig cfg = config("");
        CollectorStartException e = assertThrows(CollectorStartException.class,
                () -> Collector.start(cfg, x -> {
                    throw new RdmaException("raw sockets need CAP_NET_RAW");
                }));
        assertEquals("RDMA backend (ingest udp): raw sockets need CAP_NET_RAW", e.getMessage());
        try (Collector c = Collector.start(cfg, x -> new FakeBackend())) {
            assertEquals(5, c.catalog().entries().size(), "the lock was released and the state closed");
        }
    }
}
