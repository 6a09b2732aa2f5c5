package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.status.TranslatorStatus.QueuePairStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.BucketMap;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collector and translator restarts, over real gRPC and UDP with the real components. */
class LiveOperationTest {
    @TempDir
    Path dir;

    private static TranslatorStatus translator(Controller c) {
        return c.status().translators().get(0);
    }

    private static QueuePairStatus qp(Controller c, int i) {
        return translator(c).queuePairs().get(i);
    }

    private static boolean allUp(Controller c) {
        TranslatorStatus t = translator(c);
        return "ready".equals(t.state()) && t.queuePairs().stream().allMatch(q -> q.state().equals("up"))
                && t.stores().stream().allMatch(TranslatorStatus.StoreStatus::programmed);
    }

    /** A key of the queue-depth store whose bucket goes to collector {@code index} of 2. */
    private static String keyOn(int index, int salt) {
        for (int i = salt * 1000; ; i++) {
            String hex = "0a0000010a0000021f9000500600" + String.format("%04x", i & 0xFFFF);
            if (BucketMap.bucketOfKey(HexFormat.of().parseHex(hex)) % 2 == index) {
                return hex;
            }
        }
    }

    private static boolean holds(TestNetwork net, int collector, String keyHex, int value) {
        KeyWriteStore.Result r = net.collectors.get(collector).collector().stores().keyWrite("queue-depth")
                .get(HexFormat.of().parseHex(keyHex));
        return r.found() && ByteBuffer.wrap(r.value()).getInt() == value;
    }

    @Test
    void shouldReconnectAQueuePairAfterItsCollectorRestartsWhileTheOtherKeepsWorking() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(2);
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 2, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            String boot = qp(controller, 0).bootId();

            net.collectors.get(0).stop();
            // Traffic towards the stopped collector makes the translator probe it and give up after 3 probes.
            String k0 = keyOn(0, 1);
            String k1 = keyOn(1, 1);
            TestNetwork.await("the controller to see the queue pair to c0 go down", 20, () -> {
                try {
                    net.keyWrite(k0, 1);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                return qp(controller, 0).downs() >= 1;
            });
            net.keyWrite(k1, 11);
            TestNetwork.await("c1 to keep working while c0 is down", 10, () -> holds(net, 1, k1, 11));
            assertEquals("up", qp(controller, 1).state());
            TestNetwork.await("the failure to name the collector and the step", 10, () -> {
                QueuePairStatus q = qp(controller, 0);
                return q.lastError() != null && q.lastError().startsWith("collector c0 (" + net.collectorAddress(0)
                        + "): CM REQ sent 3 times, no REP (withdrawn with a REJ, timeout): is the collector running and listening on CM port 40041?");
            });

            net.collectors.get(0).start();
            TestNetwork.await("c0 back up", 20, () -> "up".equals(qp(controller, 0).state()));
            QueuePairStatus q = qp(controller, 0);
            assertEquals(1, q.collectorRestarts());
            assertTrue(!q.bootId().equals(boot), "a new boot id");
            assertTrue(q.connects() >= 2, "connected again");
            net.keyWrite(k0, 7);
            TestNetwork.await("a report for c0 to land after the restart", 10, () -> holds(net, 0, k0, 7));
        }
    }

    @Test
    void shouldReprogramARestartedTranslatorAndContinueAppendListsWhereTheyWere() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(2);
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 2, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            // List 2 of "drops" lives on collector 0 (bucket 2 mod 2).
            var ring = net.collectors.get(0).collector().stores().append("drops");
            for (int v = 1; v <= 5; v++) {
                net.append(2, 0xE0 + v);
            }
            TestNetwork.await("5 entries in list 2", 10, () -> ring.read(2, 0, 100).entries().size() == 5);

            net.stopTranslator();
            TestNetwork.await("the controller to notice", 10, () -> !"ready".equals(translator(controller).state()));
            net.startTranslator();
            TestNetwork.await("translator re-programmed and queue pairs up again", 30,
                    () -> allUp(controller) && translator(controller).pipelinePushes() == 2);
            TranslatorStatus t = translator(controller);
            assertTrue(t.sessionLosses() >= 1);
            assertTrue(t.queuePairs().get(0).connects() >= 2, "connected again");

            net.append(2, 0xE6);
            TestNetwork.await("the 6th entry", 10, () -> ring.read(2, 0, 100).entries().size() == 6);
            AppendStore.Batch b = ring.read(2, 0, 100);
            assertEquals(0, b.overrun());
            List<Long> values = b.entries().stream().map(AppendStore.Entry::value).toList();
            assertEquals(List.of(0xE1L, 0xE2L, 0xE3L, 0xE4L, 0xE5L, 0xE6L), values, "the list continues at position 5");
            assertEquals(5, b.entries().get(5).position());

            String k = keyOn(1, 2);
            net.keyWrite(k, 99);
            TestNetwork.await("Key-Write through the new translator", 10, () -> holds(net, 1, k, 99));
        }
    }

    @Test
    void shouldEnableAnAppendStoreAddedToTheDeploymentWhileRunningAfterRecoveringItsTails() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(2);
            String withoutDrops = TestNetwork.ALL_STORES.lines().filter(l -> !l.contains("drops")).map(l -> l + "\n")
                    .reduce("", String::concat);
            Controller controller = net.startController(net.writeDeployment("before.yaml", 10, 2, "", withoutDrops));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            assertEquals(4, translator(controller).stores().size());

            controller.reload(DeploymentLoader.load(net.writeDeployment("after.yaml", 10, 2, "")));
            TestNetwork.await("the Append store enabled after its collectors' queue pairs re-connected", 20,
                    () -> allUp(controller) && translator(controller).stores().size() == 5
                            && translator(controller).queuePairs().stream().allMatch(q -> q.connects() >= 2));
            var ring = net.collectors.get(1).collector().stores().append("drops");
            net.append(3, 0xAB);
            TestNetwork.await("an entry in list 3 (collector 1)", 10, () -> ring.read(3, 0, 10).entries().size() == 1);
        }
    }
}
