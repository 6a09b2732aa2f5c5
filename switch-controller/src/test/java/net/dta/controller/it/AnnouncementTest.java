package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import net.dta.common.admin.AdminClient;
import net.dta.common.security.ClientSecurity;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.status.TranslatorStatus.QueuePairStatus;
import net.dta.controller.testing.TestCollector;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.BucketMap;
import net.dta.protocol.store.KeyWriteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Announcements (issue 13 item 3, docs/reliability.md): a collector or translator that starts tells
 * the controller, which acts at once. The controller's back-off is 10 minutes in these tests, so
 * only the announcement can bring traffic back within the tests' waits.
 */
class AnnouncementTest {
    private static final String LONG_BACKOFF = "  reconnect: {min-backoff: 10m, max-backoff: 10m}\n";

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

    private static String admin(Controller c) {
        return c.adminAddress().getHostString() + ":" + c.adminAddress().getPort();
    }

    /** A key of the queue-depth store whose bucket goes to collector {@code index} of {@code of}. */
    private static String keyOn(int index, int of) {
        for (int i = 0; ; i++) {
            String hex = "0a0000010a0000021f9000500600" + String.format("%04x", i & 0xFFFF);
            if (BucketMap.bucketOfKey(HexFormat.of().parseHex(hex)) % of == index) {
                return hex;
            }
        }
    }

    private static boolean holds(TestCollector c, String keyHex, int value) {
        KeyWriteStore.Result r = c.collector().stores().keyWrite("queue-depth").get(HexFormat.of().parseHex(keyHex));
        return r.found() && ByteBuffer.wrap(r.value()).getInt() == value;
    }

    /** Reports to the collector until the controller sees its queue pair down (the translator's probes time out). */
    private static void driveDown(TestNetwork net, Controller controller, String key) throws InterruptedException {
        TestNetwork.await("the controller to see the queue pair to c0 go down", 20, () -> {
            try {
                net.keyWrite(key, 1);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return qp(controller, 0).downs() >= 1 && !"connecting".equals(qp(controller, 0).state());
        });
    }

    @Test
    void aRestartedCollectorThatAnnouncesItselfIsConnectedAtOnceDespiteTheBackOff() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.reconnectYaml = LONG_BACKOFF;
            net.startCollectorsAndTranslator(2);
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 2, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            TestCollector c0 = net.collectors.get(0);
            String k0 = keyOn(0, 2);

            c0.stop();
            driveDown(net, controller, k0);
            c0.announceTo(admin(controller));
            c0.start();
            TestNetwork.await("the queue pair to c0 up again through the announcement", 20,
                    () -> "up".equals(qp(controller, 0).state()));
            assertEquals(1, qp(controller, 0).collectorRestarts());
            net.keyWrite(k0, 7);
            TestNetwork.await("a report for c0 to land after the restart", 10, () -> holds(c0, k0, 7));
        }
    }

    @Test
    void aCollectorThatRestoredItsQueuePairKeepsItWhenItAnnouncesItself() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.reconnectYaml = LONG_BACKOFF;
            TestCollector c0 = TestCollector.start(dir, "c0", net.collectorAddress(0), TestCollector.VECTOR_STORES, true);
            net.collectors.add(c0);
            net.startTranslator();
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 1, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            String boot = qp(controller, 0).bootId();
            String k = keyOn(0, 1);
            net.keyWrite(k, 3);
            TestNetwork.await("a report to land", 10, () -> holds(c0, k, 3));

            c0.announceTo(admin(controller));
            c0.restart(); // SIGTERM-like stop: its queue pair is saved and restored
            TestNetwork.await("the announcement to tell the controller of the restart", 20,
                    () -> qp(controller, 0).collectorRestarts() == 1);
            QueuePairStatus q = qp(controller, 0);
            assertEquals("up", q.state());
            assertEquals(1, q.connects(), "the restored queue pair is kept, not re-connected");
            assertTrue(!boot.equals(q.bootId()), "the new boot id is recorded");
            net.keyWrite(k, 4);
            TestNetwork.await("a report to land on the restored queue pair", 10, () -> holds(c0, k, 4));
            assertEquals(1, qp(controller, 0).connects());
        }
    }

    @Test
    void aRestartedTranslatorThatAnnouncesItselfIsReprogrammedAtOnceDespiteTheBackOff() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.reconnectYaml = LONG_BACKOFF;
            net.startCollectorsAndTranslator(2);
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 2, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));

            net.stopTranslator();
            TestNetwork.await("the controller to notice", 10, () -> "unreachable".equals(translator(controller).state()));
            net.translatorAnnouncesTo = admin(controller);
            net.startTranslator();
            TestNetwork.await("the translator re-programmed and its queue pairs up through the announcement", 30,
                    () -> allUp(controller) && translator(controller).pipelinePushes() == 2);
            String k = keyOn(1, 2);
            net.keyWrite(k, 99);
            TestNetwork.await("a report through the new translator", 10, () -> holds(net.collectors.get(1), k, 99));
        }
    }

    @Test
    void aBadAnnouncementIsRefusedWithTheFieldNamedAndChangesNothing() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(1);
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 1, ""));
            TestNetwork.await("all up", 20, () -> allUp(controller));
            AdminClient.Refused notJson = assertThrows(AdminClient.Refused.class, () -> post(controller, "{{"));
            assertEquals(400, notJson.status());
            AdminClient.Refused badBoot = assertThrows(AdminClient.Refused.class, () -> post(controller,
                    "{\"component\":\"collector\",\"address\":\"" + net.collectorAddress(0) + "\",\"boot_id\":\"xyz\"}"));
            assertTrue(badBoot.getMessage().contains("boot_id: must be 1..16 hex digits"), badBoot.getMessage());
            AdminClient.Refused unknown = assertThrows(AdminClient.Refused.class, () -> post(controller,
                    "{\"component\":\"collector\",\"address\":\"10.9.9.9\",\"boot_id\":\"1\"}"));
            assertEquals(404, unknown.status());
            assertTrue(unknown.getMessage().contains("no translator of this deployment has a collector at 10.9.9.9"));
            assertEquals(1, qp(controller, 0).connects(), "nothing was re-connected");
            assertEquals("up", qp(controller, 0).state());
        }
    }

    private static void post(Controller c, String json) throws java.io.IOException {
        AdminClient.post(admin(c), "/announce", json.getBytes(StandardCharsets.UTF_8), 5, "switch controller", ClientSecurity.NONE);
    }
}
