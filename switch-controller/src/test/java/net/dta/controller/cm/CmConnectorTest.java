package net.dta.controller.cm;

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
            CmConnector connector = new CmConnector(t, c, port, router.open(c.address()), Duration.ofMillis(500), 4, new Random(1));
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
                    Duration.ofMillis(100), 4, new Random(2));
            ConnectException e = assertThrows(ConnectException.class, connector::connect);
            assertEquals(ConnectStep.CM_REQ, e.step());
            assertEquals("collector dead (127.0.0.49): CM REQ sent 5 times, no REP: is the collector running and listening "
                    + "on CM port 40041?", e.getMessage());
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
                    Duration.ofMillis(500), 1, new Random(3));
            ConnectException e = assertThrows(ConnectException.class, connector::connect);
            assertTrue(e.getMessage().startsWith("collector c1 (127.0.0.41): CM REQ rejected (REJ reason 8): invalid service id: "
                    + "nothing listens on CM port 40099"), e.getMessage());
            assertTrue(e.permanent());
        }
    }

    @Test
    void shouldDeriveTheCaGuidFromTheMacAsProtocolVectorsDo() {
        assertEquals(0x020000FFFE000001L, CmConnector.caGuid(0x020000000001L));
    }
}
