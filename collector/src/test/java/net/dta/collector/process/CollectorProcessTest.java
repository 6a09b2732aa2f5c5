package net.dta.collector.process;

import net.dta.testkit.TestCmSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.collector.CollectorTestSupport;
import net.dta.collector.state.CollectorState;
import net.dta.common.status.StatusJson;
import net.dta.protocol.Keys;
import net.dta.collector.store.StoreDirectory;
import net.dta.collector.store.VectorStores;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.CounterStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.testkit.RepoPaths;

/**
 * The collector as operators run it: a separate JVM, written into with real RoCEv2 packets over
 * loopback UDP (RDMA CM connect, catalog READ, WRITE, FETCH_ADD), killed with SIGKILL, started
 * again: the data is there, the catalog descriptors are identical, and the restored queue pair
 * goes on accepting writes where it left off.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CollectorProcessTest {
    static final String SUBNET = net.dta.testkit.Loopback.uniqueSubnet();
    static final String COLLECTOR_IP = SUBNET + "2";
    static final String REQUESTER_IP = SUBNET + "1";

    @TempDir
    Path dir;

    final DtaHash hash = new DtaHash();
    final byte[] key = VectorStores.key();

    Path config() throws Exception {
        Path file = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "collector: {name: durable}\nnetwork: {address: " + COLLECTOR_IP + ", ingest: udp}\n"
                + TestCmSecret.COLLECTOR_YAML
                + "data-dir: data\nadmin: {address: 127.0.0.1:0}\nqueue-pairs: {persist-interval: 50ms}\n"
                + CollectorTestSupport.VECTOR_STORES);
        return file;
    }

    @Test
    void dataCatalogAndQueuePairsSurviveAKillNine() throws Exception {
        Path config = config();
        Catalog catalogBefore;
        String bootBefore;
        int qpn;
        int nextPsn;
        try (CollectorProcess first = CollectorProcess.start(config, dir);
             TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x000103)) {
            bootBefore = first.bootId();
            ConnectReplyData rep = translator.connect(40041, 0x000100);
            assertEquals(5, rep.storeCount());
            assertEquals(1, rep.catalogGeneration());
            assertEquals(Long.parseUnsignedLong(bootBefore, 16), rep.bootId());
            catalogBefore = Catalog.decode(translator.read(rep.catalogVa(), rep.catalogRkey(), rep.catalogLength()));
            assertEquals(VectorStores.DEFINITIONS, catalogBefore.entries().stream().map(CatalogEntry::definition).toList());

            writeEverything(translator, catalogBefore);
            JsonNode status = status(first.admin());
            assertEquals(2, status.at("/stores/0/writes").asLong(), status.toPrettyString());
            assertEquals(4, status.at("/stores/1/atomics").asLong());
            assertEquals("RTS", status.at("/queue_pairs/0/state").asText());
            qpn = translator.remoteQpn();
            nextPsn = translator.nextPsn();
            Thread.sleep(300); // a few persist intervals: the queue pair's state is saved
            first.kill();
        }
        assertTrue(!Files.exists(dir.resolve("data").resolve(CollectorState.CLEAN_MARKER)), "kill -9 leaves no clean marker");

        try (CollectorProcess second = CollectorProcess.start(config, dir);
             TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x000103)) {
            assertNotEquals(bootBefore, second.bootId());
            JsonNode status = status(second.admin());
            assertTrue(status.at("/persistence/recovered_after_crash").asBoolean());
            assertEquals(1, status.at("/persistence/queue_pairs_restored").asInt(), second.output());

            // The restored queue pair takes the next write where the old process left off.
            translator.resume(qpn, nextPsn);
            CatalogEntry drops = catalogBefore.entries().get(3);
            byte[] entry = new byte[8];
            AppendStore.encodeEntry(2, 0xDEAD0003, MemorySegment.ofArray(entry), 0);
            long off = ((AppendLayout) drops.definition().layout()).entryOffset(1, 2);
            assertEquals(0x1F, translator.write(drops.va() + off, drops.rkeyFor(off), entry), "ACK on the restored queue pair");

            // A new connection reads the same catalog: same generation, same va and rkeys.
            try (TestRequester other = new TestRequester(SUBNET + "3", COLLECTOR_IP, 0x000104)) {
                ConnectReplyData rep = other.connect(40041, 0x000500);
                assertEquals(Long.parseUnsignedLong(second.bootId(), 16), rep.bootId());
                Catalog after = Catalog.decode(other.read(rep.catalogVa(), rep.catalogRkey(), rep.catalogLength()));
                assertEquals(catalogBefore, after);
                assertArrayEquals(catalogBefore.encode(), after.encode());
            }
            assertEquals(0, second.stop(), second.output());
            assertTrue(Files.exists(dir.resolve("data").resolve(CollectorState.CLEAN_MARKER)),
                    "SIGTERM shuts down cleanly:\n" + second.output());
            assertTrue(second.output().contains("saved 2 queue-pair state(s) at shutdown"), second.output());
        }

        try (StoreDirectory d = StoreDirectory.open(dir.resolve("data"))) {
            KeyWriteStore.Result kw = d.keyWrite("queue-depth").get(key);
            assertEquals("00000007", HexFormat.of().formatHex(kw.value()));
            assertEquals(2, kw.agree());
            assertEquals(2000, d.counters("flow-bytes").estimate(key));
            assertEquals(42, d.counters("heavy-hitters").estimate(key));
            List<PostcardStore.Hop> path = d.postcards("paths").path(key);
            assertEquals(0x02000020L, path.get(1).value());
            assertTrue(path.get(0).valid() && path.get(1).valid() && path.get(2).valid() && !path.get(3).valid());
            AppendStore.Batch b = d.append("drops").read(1, 0, 10);
            assertEquals(List.of(0xDEAD0001L, 0xDEAD0002L, 0xDEAD0003L), b.entries().stream().map(AppendStore.Entry::value).toList());
        }
    }

    /** The writes of protocol.md 10.2 to 10.6, as a translator sends them. */
    private void writeEverything(TestRequester t, Catalog catalog) throws Exception {
        CatalogEntry kw = catalog.entries().get(0);
        byte[] slot = new byte[8];
        KeyWriteStore.encodeSlot(hash, key, new byte[] {0, 0, 0, 7}, 0, 4, MemorySegment.ofArray(slot), 0);
        for (int i = 0; i < 2; i++) {
            long off = KeyWriteStore.slotOffset(hash, (KeyWriteLayout) kw.definition().layout(), key, i);
            assertEquals(0x1F, t.write(kw.va() + off, kw.rkeyFor(off), slot));
        }
        CatalogEntry ki = catalog.entries().get(1);
        for (long delta : new long[] {1500, 500}) {
            for (int r = 0; r < 2; r++) {
                long off = CounterStore.counterOffset(hash, (CounterLayout) ki.definition().layout(), key, r);
                t.fetchAdd(ki.va() + off, ki.rkeyFor(off), delta);
            }
        }
        CatalogEntry pc = catalog.entries().get(2);
        PostcardLayout pl = (PostcardLayout) pc.definition().layout();
        byte[] row = new byte[pl.rowBytes()];
        PostcardStore.encodeRow(hash, pl, key, 0b111, new int[] {0x01000010, 0x02000020, 0x03000030, 0, 0},
                MemorySegment.ofArray(row), 0);
        long rowOff = PostcardStore.rowOffset(hash, pl, key);
        assertEquals(0x1F, t.write(pc.va() + rowOff, pc.rkeyFor(rowOff), row));
        CatalogEntry ap = catalog.entries().get(3);
        byte[] entries = new byte[16];
        AppendStore.encodeEntry(0, 0xDEAD0001, MemorySegment.ofArray(entries), 0);
        AppendStore.encodeEntry(1, 0xDEAD0002, MemorySegment.ofArray(entries), 8);
        long apOff = ((AppendLayout) ap.definition().layout()).entryOffset(1, 0);
        assertEquals(0x1F, t.write(ap.va() + apOff, ap.rkeyFor(apOff), entries));
        CatalogEntry sk = catalog.entries().get(4);
        for (int r = 0; r < 2; r++) {
            long off = CounterStore.counterOffset(hash, (CounterLayout) sk.definition().layout(), key, r);
            t.fetchAdd(sk.va() + off, sk.rkeyFor(off), 42);
        }
    }

    private static JsonNode status(String admin) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + admin + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        return StatusJson.MAPPER.readTree(r.body());
    }

    @Test
    void theLauncherRunsTheCollector() throws Exception {
        Path launcher = RepoPaths.root().resolve("dta");
        // The build of this test run just wrote collector/target/classpath.txt: the launcher must not build again.
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "collector", "--help").redirectErrorStream(true);
        pb.environment().put("DTA_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("check-config") && out.contains("Usage: collector"), out);
        assertTrue(Keys.hex(key).startsWith("0a000001"));
    }
}
