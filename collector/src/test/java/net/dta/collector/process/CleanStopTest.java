package net.dta.collector.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.Collector;
import net.dta.collector.CollectorTestSupport;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.ConfigLoader;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.testkit.TestCmSecret;

/**
 * A clean stop (SIGTERM: {@link Collector#close}) under load loses nothing it accepted (issue 13
 * item 3): no request racing with the stop meets a deregistered region (remote access error NAK,
 * which took the translator's queue pair down), every acknowledged FETCH_ADD is in the store
 * after the restart, and the restored queue pair expects exactly the PSN after the last request
 * the collector applied.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CleanStopTest {
    static final String SUBNET = net.dta.testkit.Loopback.uniqueSubnet();
    static final String COLLECTOR_IP = SUBNET + "2";
    static final String REQUESTER_IP = SUBNET + "1";

    @TempDir
    Path dir;

    @Test
    void aCleanStopUnderLoadLosesNothingItAcknowledgedAndNeverNaksWithRemoteAccessError() throws Exception {
        Path config = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(config, "collector: {name: clean}\nnetwork: {address: " + COLLECTOR_IP + ", ingest: udp}\n"
                + "data-dir: data\nadmin: {enabled: false}\nqueue-pairs: {persist-interval: 60m}\n"
                + TestCmSecret.COLLECTOR_YAML + CollectorTestSupport.VECTOR_STORES);
        Collector collector = Collector.start(ConfigLoader.load(config), new DefaultBackends());
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong psnAfterLastAck = new AtomicLong();
        AtomicLong target = new AtomicLong(); // collector QPN, then va and rkey of a counter
        AtomicLong va = new AtomicLong();
        AtomicReference<String> ended = new AtomicReference<>();
        // The requester's frame memory is confined to the thread that made it: the load thread owns it.
        Thread load = new Thread(() -> {
            try (TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x000105)) {
                ConnectReplyData rep = translator.connect(40041, 0x000200);
                Catalog catalog = Catalog.decode(translator.read(rep.catalogVa(), rep.catalogRkey(), rep.catalogLength()));
                CatalogEntry counters = catalog.entries().get(1);
                va.set(counters.va() + 64);
                target.set((long) translator.remoteQpn() << 32 | (counters.rkeyFor(64) & 0xFFFF_FFFFL));
                psnAfterLastAck.set(translator.nextPsn());
                while (true) {
                    translator.fetchAdd(va.get(), (int) target.get(), 1);
                    acknowledged.incrementAndGet();
                    psnAfterLastAck.set(translator.nextPsn());
                }
            } catch (IOException | RuntimeException e) {
                ended.set(e.toString());
            }
        });
        try {
            load.start();
            while (acknowledged.get() < 2_000 && load.isAlive()) {
                Thread.sleep(5);
            }
            assertTrue(load.isAlive(), "the load runs until the stop: " + ended.get());
            collector.close(); // while FETCH_ADDs arrive
            collector = null;
            load.join(30_000);
            assertFalse(load.isAlive());
            assertTrue(ended.get().contains("no answer"), "the requester stops because nothing answers any more, not for a NAK: "
                    + ended.get());

            collector = Collector.start(ConfigLoader.load(config), new DefaultBackends());
            assertEquals(1, collector.status().persistence().queuePairsRestored());
            try (TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x000105)) {
                translator.resume((int) (target.get() >>> 32), (int) psnAfterLastAck.get());
                // The restored queue pair expects the next PSN (a NAK would make fetchAdd throw), and the
                // counter holds every acknowledged add.
                assertEquals(acknowledged.get(), translator.fetchAdd(va.get(), (int) target.get(), 0),
                        "every acknowledged FETCH_ADD is in the store");
            }
        } finally {
            if (collector != null) {
                collector.close();
            }
        }
    }
}
