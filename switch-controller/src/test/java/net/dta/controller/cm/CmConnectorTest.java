package net.dta.controller.cm;

import net.dta.testkit.TestCmSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import net.dta.controller.testing.TestCollector;
import net.dta.controller.testing.UdpFramePort;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.TranslatorSpec;
import net.dta.rdma.endpoint.QueuePairInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CM set-up and READs over real UDP against a real software collector (no translator in between). */
class CmConnectorTest {
    @TempDir
    Path dir;

    private static Deployment deployment(String cmPort) throws Exception {
        return DeploymentLoader.parse("d.yaml", new StringReader("""
                collectors:
                  - {name: c1, index: 3, address: 127.0.0.41, cm-port: %s}
                  - {name: dead, address: 127.0.0.49}
                stores:
                  - {name: queue-depth, id: 1}
                translators:
                  - {name: t, p4runtime: "127.0.0.1:1", address: 127.0.0.40, translator-id: 7}
                """.formatted(cmPort)), Path.of("."), null);
    }

    @Test
    void shouldConnectThroughCmAndReadTheCatalogOverTheNewQueuePair() throws Exception {
        Deployment d = deployment("40041");
        TranslatorSpec t = d.translators().get(0);
        CollectorSpec c = d.collector("c1").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (TestCollector collector = TestCollector.start(dir, "c1", "127.0.0.41", TestCollector.VECTOR_STORES, true);
             UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            CmConnector connector = new CmConnector(t, c, port, router.open(c.address()), Duration.ofMillis(500), 4, new Random(1),
                    TestCmSecret.bytes());
            RemoteQueuePair qp = connector.connect();

            assertEquals(0x103, qp.translatorQpn());
            assertEquals(collector.collector().bootId(), qp.reply().bootId());
            assertEquals(collector.collector().catalog(), qp.catalog());
            assertEquals(5, qp.catalog().entries().size());
            List<QueuePairInfo> qps = collector.collector().backend().queuePairs();
            assertEquals(1, qps.size());
            assertEquals(qp.remoteQpn(), qps.get(0).qpn());
            int catalogPackets = (qp.reply().catalogLength() + 1023) / 1024;
            assertEquals((qp.startPsn() + catalogPackets) & 0xFFFFFF, qp.nextPsn());
            assertEquals(qp.nextPsn(), connector.nextPsn());

            // A READ larger than one chunk (16 packets): the Key-Write store's 8 KiB and the sketch's 16 KiB.
            var sketch = qp.catalog().entries().get(4);
            byte[] bytes = connector.read(sketch.va(), sketch.rkeys()[0], sketch.length(), ConnectStep.TAIL_RECOVERY);
            assertEquals(16384, bytes.length);
            assertArrayEquals(new byte[16384], bytes);
            assertEquals((qp.nextPsn() + 16) & 0xFFFFFF, connector.nextPsn());
            assertEquals(connector.nextPsn(), collector.collector().backend().queuePairStates().get(0).expectedPsn());
        }
    }

    @Test
    void shouldNameTheCollectorTheStepAndTheCmPortWhenNobodyAnswers() throws Exception {
        Deployment d = deployment("40041");
        CollectorSpec dead = d.collector("dead").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            CmConnector connector = new CmConnector(d.translators().get(0), dead, port, router.open(dead.address()),
                    Duration.ofMillis(100), 4, new Random(2),
                    TestCmSecret.bytes());
            ConnectException e = assertThrows(ConnectException.class, connector::connect);
            assertEquals(ConnectStep.CM_REQ, e.step());
            assertEquals("collector dead (127.0.0.49): CM REQ sent 5 times, no REP (withdrawn with a REJ, timeout): is the "
                    + "collector running and listening on CM port 40041?", e.getMessage());
            assertFalse(e.permanent());
        }
    }

    @Test
    void shouldExplainARejectForAnotherCmPort() throws Exception {
        Deployment d = deployment("40099");
        CollectorSpec c = d.collector("c1").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (TestCollector collector = TestCollector.start(dir, "c1", "127.0.0.41", TestCollector.VECTOR_STORES, true);
             UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            CmConnector connector = new CmConnector(d.translators().get(0), c, port, router.open(c.address()),
                    Duration.ofMillis(500), 1, new Random(3),
                    TestCmSecret.bytes());
            ConnectException e = assertThrows(ConnectException.class, connector::connect);
            assertTrue(e.getMessage().startsWith("collector c1 (127.0.0.41): CM REQ rejected (REJ: invalid service id (8)): "
                    + "invalid service id: nothing listens on CM port 40099"), e.getMessage());
            assertTrue(e.permanent());
        }
    }

    /** Issue 13 item 5: a controller with another secret gets nothing, and is told which setting differs. */
    @Test
    void shouldExplainARefusalForAnotherSecretAndCreateNothing() throws Exception {
        Deployment d = deployment("40041");
        CollectorSpec c = d.collector("c1").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (TestCollector collector = TestCollector.start(dir, "c1", "127.0.0.41", TestCollector.VECTOR_STORES, true);
             UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            byte[] other = TestCmSecret.bytes();
            other[0] ^= 1;
            CmConnector connector = new CmConnector(d.translators().get(0), c, port, router.open(c.address()),
                    Duration.ofMillis(500), 1, new Random(5), other);
            ConnectException e = assertThrows(ConnectException.class, connector::connect);
            assertTrue(e.getMessage().contains("the collector refused the connection: wrong MAC: controller.cm.secret-file"),
                    e.getMessage());
            assertEquals(List.of(), collector.collector().backend().queuePairs());
            assertEquals(1L, collector.collector().backend().counters().drops().get("cm_refused_bad_mac"));
            CmConnector none = new CmConnector(d.translators().get(0), c, port, router.open(c.address()),
                    Duration.ofMillis(500), 1, new Random(6), null);
            ConnectException missing = assertThrows(ConnectException.class, none::connect);
            assertTrue(missing.getMessage().contains("no RDMA CM secret: set controller.cm.secret-file"), missing.getMessage());
            assertTrue(missing.permanent());
        }
    }

    /**
     * protocol.md 7.1 (issue 10): a REQ whose REP never reached the controller is withdrawn with a
     * timeout REJ, and the collector drops the half-open connection it made for it. Linux would
     * otherwise hold it and answer the next REQ from the same QPN with REJ 10 (stale connection).
     */
    @Test
    void shouldWithdrawAReqWhoseRepNeverCameSoThatTheCollectorDropsTheHalfOpenConnection() throws Exception {
        Deployment d = deployment("40041");
        CollectorSpec c = d.collector("c1").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (TestCollector collector = TestCollector.start(dir, "c1", "127.0.0.41", TestCollector.VECTOR_STORES, true);
             UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            // The connector listens to another address: the collector's REPs are lost to it.
            CmConnector deaf = new CmConnector(d.translators().get(0), c, port, router.open(0x7F00_0063), Duration.ofMillis(200), 1,
                    new Random(7), TestCmSecret.bytes());
            ConnectException e = assertThrows(ConnectException.class, deaf::handshake);
            assertTrue(e.getMessage().contains("no REP (withdrawn with a REJ, timeout)"), e.getMessage());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!collector.collector().backend().queuePairs().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), collector.collector().backend().queuePairs(), "the half-open connection was dropped");
            // The next attempt from the same QPN connects.
            CmConnector next = new CmConnector(d.translators().get(0), c, port, router.open(c.address()), Duration.ofMillis(500), 4,
                    new Random(8), TestCmSecret.bytes());
            next.connect();
            assertEquals(1, collector.collector().backend().queuePairs().size());
        }
    }

    /** protocol.md 7.1: a DREQ for a known connection gets a DREP (also repeated); one for an unknown connection none. */
    @Test
    void shouldDisconnectAnAbandonedConnectionAndGetNoDrepForAnUnknownOne() throws Exception {
        Deployment d = deployment("40041");
        TranslatorSpec t = d.translators().get(0);
        CollectorSpec c = d.collector("c1").orElseThrow();
        FrameRouter router = new FrameRouter();
        try (TestCollector collector = TestCollector.start(dir, "c1", "127.0.0.41", TestCollector.VECTOR_STORES, true);
             UdpFramePort port = new UdpFramePort("127.0.0.40", router)) {
            CmConnector connector = new CmConnector(t, c, port, router.open(c.address()), Duration.ofMillis(300), 1, new Random(4),
                    TestCmSecret.bytes());
            CmConnector.Handshake h = connector.handshake();
            assertEquals(1, collector.collector().backend().queuePairs().size());
            assertTrue(connector.disconnect(h), "DREP for the connection");
            assertEquals(List.of(), collector.collector().backend().queuePairs());
            assertTrue(connector.disconnect(h), "DREP again for a repeated DREQ (the first DREP may have been lost)");
            CmConnector.Handshake unknown = new CmConnector.Handshake(h.remoteQpn(), 0, 0x5555, 0x6666, h.reply());
            assertFalse(connector.disconnect(unknown), "no DREP for a connection the collector never had");
            assertEquals(2L, collector.collector().backend().counters().drops().get("cm_unknown_connection"), "both tries counted");
        }
    }

    @Test
    void shouldParseACollectorsDreqAndAnswerItWithTheMatchingDrep() throws Exception {
        Deployment d = deployment("40041");
        TranslatorSpec t = d.translators().get(0);
        CollectorSpec c = d.collector("c1").orElseThrow();
        byte[] frame = new byte[net.dta.rdma.cm.CmFrameWriter.FRAME_LENGTH + 64];
        var from = net.dta.rdma.wire.RoceRoute.forQueuePair(c.mac(), t.mac(), c.address(), t.address(), 1);
        int n = new net.dta.rdma.cm.CmFrameWriter().dreq(java.lang.foreign.MemorySegment.ofArray(frame), 0, from, 0, 77L,
                0x1111, 0x2222, 0x103);
        DisconnectRequest dreq = DisconnectRequest.parse(java.util.Arrays.copyOf(frame, n));
        assertEquals(new DisconnectRequest(c.address(), 0x103, 0x1111, 0x2222, 77L), dreq);
        byte[] drep = dreq.reply(t, c);
        net.dta.rdma.wire.RocePacket p = new net.dta.rdma.wire.RocePacket();
        assertEquals(net.dta.rdma.wire.MalformedReason.OK, p.parse(java.lang.foreign.MemorySegment.ofArray(drep), 0, drep.length, true));
        net.dta.rdma.cm.CmPacket cm = new net.dta.rdma.cm.CmPacket();
        assertEquals(net.dta.rdma.cm.CmParseResult.OK, cm.parse(p));
        assertEquals(net.dta.rdma.cm.CmAttribute.DREP, cm.attributeId());
        assertEquals(0x2222, cm.drep().localCommId());
        assertEquals(0x1111, cm.drep().remoteCommId());
        assertEquals(77L, cm.mad().transactionId());
        assertEquals(c.address(), p.ip().destination());
    }

    @Test
    void shouldDeriveTheCaGuidFromTheMacAsProtocolVectorsDo() {
        assertEquals(0x020000FFFE000001L, CmConnector.caGuid(0x020000000001L));
    }
}
