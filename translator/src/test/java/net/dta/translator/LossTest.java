package net.dta.translator;

import static net.dta.protocol.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.report.ReportEncoder;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * PSN resynchronisation under real packet loss (protocol.md 5.6): a lossy relay between the
 * translator and the collector drops data requests; the collector NAKs the gap (or, when the
 * last packets were lost, NAKs the translator's probe), the translator resynchronises, counts
 * what was lost, and the queue pair goes on.
 */
class LossTest {
    private static final String STORES = """
            stores:
              - {name: ki, id: 2, kind: key-increment, rows: 2, columns: 1024}
            """;

    @TempDir
    Path dir;

    @Test
    void lostRequestsAreCountedAndTheQueuePairGoesOn() throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.lossy(1, STORES, dir, 1); Arena arena = Arena.ofConfined()) {
            d.controller.settings(6, 1000, 20);
            MemorySegment buf = arena.allocate(64);
            byte[] key = EndToEndTest.key(1);
            QueuePairInfo[] qp = new QueuePairInfo[1];
            java.util.function.LongSupplier atomics = () -> {
                qp[0] = d.collector(0).backend().queuePairs().get(0);
                return qp[0].atomics();
            };
            for (int i = 0; i < 10; i++) {
                d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key, 1));
            }
            LoopbackDeployment.await("20 FETCH_ADDs", () -> atomics.getAsLong() == 20);

            // Loss in the middle: the next packet after the gap draws a NAK.
            d.relay.dropNext(3);
            for (int i = 0; i < 10; i++) {
                d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key, 1));
                Thread.sleep(2);
            }
            LoopbackDeployment.await("a resynchronisation", () -> d.controller.readCounter(CTR_QP_RESYNCS, 0).getPacketCount() >= 1);
            LoopbackDeployment.await("sent = executed + lost", () -> d.controller.readCounter(CTR_QP_SENT, 0).getPacketCount()
                    - d.controller.readCounter(CTR_QP_PROBES, 0).getPacketCount()
                    == atomics.getAsLong() + d.controller.readRegister(REG_LOST_PACKETS, 0));
            long lost = d.controller.readRegister(REG_LOST_PACKETS, 0);
            assertEquals(3, d.relay.dropped());
            assertTrue(lost >= 3, "at least the 3 dropped requests are lost, got " + lost);
            assertEquals(1, d.controller.readCounter(CTR_QP_NAKS, 0).getPacketCount(), "one NAK per gap");

            // The queue pair goes on: everything sent now lands.
            long before = atomics.getAsLong();
            for (int i = 0; i < 5; i++) {
                d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key, 1));
            }
            LoopbackDeployment.await("10 more FETCH_ADDs", () -> atomics.getAsLong() == before + 10);

            // Loss at the end: nothing follows to draw a NAK; the probe (a READ at the next PSN) draws it.
            long resyncs = d.controller.readCounter(CTR_QP_RESYNCS, 0).getPacketCount();
            d.relay.dropNext(2);
            d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key, 1));
            LoopbackDeployment.await("the probe's resynchronisation",
                    () -> d.controller.readCounter(CTR_QP_RESYNCS, 0).getPacketCount() == resyncs + 1);
            assertEquals(lost + 3, d.controller.readRegister(REG_LOST_PACKETS, 0), "the 2 dropped requests and the probe's PSN");
            assertTrue(d.controller.readCounter(CTR_QP_PROBES, 0).getPacketCount() >= 1);
            assertEquals(1, d.controller.readRegister(REG_QP_UP, 0), "still up");
            long after = atomics.getAsLong();
            d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key, 1));
            LoopbackDeployment.await("a FETCH_ADD after the resync", () -> atomics.getAsLong() == after + 2);
            assertEquals(atomics.getAsLong() / 2, d.collector(0).stores().counters("ki").estimate(key) <= 26 ? atomics.getAsLong() / 2
                    : -1, "the counters hold what was executed");
        }
    }
}
