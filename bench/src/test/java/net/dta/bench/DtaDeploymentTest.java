package net.dta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.Collector;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;
import net.dta.translator.config.Mode;

/** The benchmarks' DTA deployment carries every primitive from the reporter library into the collector's stores. */
class DtaDeploymentTest {
    @TempDir
    Path dir;

    @Test
    void reportsFromTheLibraryLandInTheCollectorsStoresThroughTheTranslator() throws Exception {
        byte[] key = Keys.parse("10.0.0.1:8080->10.0.0.2:80/tcp");
        DtaHash hash = new DtaHash();
        try (DtaDeployment d = new DtaDeployment(dir, 1, Mode.UDP, 4, "dta")) {
            try (DtaReporter r = DtaReporter.open(d.target())) {
                r.keyWrite(1, key, 7);
                r.keyIncrement(2, key, 1500);
                r.keyIncrement(2, key, 500);
                for (int h = 0; h < 5; h++) {
                    r.postcard(3, key, h, 5, (h + 1) << 24 | 16 * h);
                }
                for (int i = 0; i < 8; i++) {
                    r.append(4, 1, 0xE0 + i);
                }
                r.sketchMerge(5, 0, hash.index(key, 0, 16), new int[] {42});
            }
            await(() -> d.delivered(Primitive.APPEND) == 8 && d.delivered(Primitive.SKETCH_MERGE) == 1);
            // 2 Key-Write slots, 4 FETCH_ADDs, 1 postcard row, 2 Append batches of 4, 1 FETCH_ADD.
            // The responder counts a packet when it arrives, before it executes it: wait for the execution.
            Collector c = d.collector(0);
            await(() -> c.backend().queuePairs().stream().mapToLong(q -> q.writes() + q.atomics()).sum() >= 10);
            assertEquals(10, c.backend().queuePairs().stream().mapToLong(q -> q.writes() + q.atomics()).sum());
            // Sent: the 10 requests, plus a PSN query (or a resend) when the adaptive retransmit timeout
            // (from 1 ms) fires before the ACK of the last requests arrives: 11 in a CI run.
            long sent = d.packetsSent();
            long extra = d.resentOrQueried();
            assertTrue(sent >= 10 && sent <= 10 + extra, "sent " + sent + ", PSN queries and resends " + extra);
            assertEquals(7, c.stores().keyWrite("queue-depth").get(key).value()[3]);
            assertEquals(2000, c.stores().counters("flow-bytes").estimate(key));
            List<PostcardStore.Hop> path = c.stores().postcards("paths").path(key);
            for (int h = 0; h < 5; h++) {
                assertTrue(path.get(h).valid(), "hop " + h);
                assertEquals((h + 1) << 24 | 16 * h, path.get(h).value());
            }
            AppendStore.Batch events = c.stores().append("drops").read(1, 0, 100);
            assertEquals(8, events.entries().size());
            assertEquals(0xE7, events.entries().get(7).value());
            assertEquals(42, c.stores().counters("heavy-hitters").counter(0, hash.index(key, 0, 16)));
            QueuePairInfo qp = c.backend().queuePairs().get(0);
            assertEquals("RTS", qp.state());
            assertEquals(0, qp.naksBySyndrome().values().stream().mapToLong(Long::longValue).sum(), qp.naksBySyndrome().toString());
            assertEquals(0, d.dropped());
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), "timed out");
    }
}
