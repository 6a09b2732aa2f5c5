package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.BucketMap;
import net.dta.deployment.DeploymentLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller restart under reporter load is hitless (issue 13 item 3): the new controller finds
 * the translator running its pipeline, adopts both live queue pairs (catalog read through a side
 * connection) instead of re-connecting them, and not one Key-Increment report is lost.
 */
class ControllerRestartTest {
    @TempDir
    Path dir;

    private static TranslatorStatus translator(Controller c) {
        return c.status().translators().get(0);
    }

    private static boolean allUp(Controller c) {
        TranslatorStatus t = translator(c);
        return "ready".equals(t.state()) && t.queuePairs().stream().allMatch(q -> q.state().equals("up"))
                && t.stores().stream().allMatch(TranslatorStatus.StoreStatus::programmed);
    }

    private static String keyOn(int index) {
        for (int i = 0; ; i++) {
            String hex = "0a0000010a0000021f9000500600" + String.format("%04x", i & 0xFFFF);
            if (BucketMap.bucketOfKey(HexFormat.of().parseHex(hex)) % 2 == index) {
                return hex;
            }
        }
    }

    @Test
    void aRestartedControllerAdoptsTheLiveQueuePairsAndNoReportIsLost() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(2);
            Path deployment = net.writeDeployment("deployment.yaml", 10, 2, "");
            Controller first = Controller.start(DeploymentLoader.load(deployment));
            String[] keys = {keyOn(0), keyOn(1)};
            AtomicLong sent = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                try {
                    while (running.get()) {
                        net.keyIncrement(keys[(int) (sent.get() & 1)], 1);
                        sent.incrementAndGet();
                        Thread.sleep(1);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Controller second = null;
            try {
                TestNetwork.await("all up", 20, () -> allUp(first));
                load.start();
                TestNetwork.await("reports flowing", 10, () -> sent.get() > 300);
                first.close(); // the controller goes away; the translator keeps running as programmed
                second = Controller.start(DeploymentLoader.load(deployment));
                Controller c = second;
                TestNetwork.await("the new controller ready with both queue pairs up", 30, () -> allUp(c));
                long at = sent.get();
                TestNetwork.await("more reports after the restart", 10, () -> sent.get() > at + 300);
            } finally {
                running.set(false);
                load.join(5_000);
            }
            long half0 = (sent.get() + 1) / 2;
            long half1 = sent.get() / 2;
            var c0 = net.collectors.get(0).collector().stores().counters("flow-bytes");
            var c1 = net.collectors.get(1).collector().stores().counters("flow-bytes");
            byte[] k0 = HexFormat.of().parseHex(keys[0]);
            byte[] k1 = HexFormat.of().parseHex(keys[1]);
            TestNetwork.await("every report counted", 10, () -> c0.estimate(k0) + c1.estimate(k1) >= sent.get());
            assertEquals(half0, c0.estimate(k0), "reports to c0");
            assertEquals(half1, c1.estimate(k1), "reports to c1");
            assertTrue(sent.get() > 600);
            for (TranslatorStatus.QueuePairStatus q : translator(second).queuePairs()) {
                assertEquals(0, q.connects(), "adopted, not re-connected: " + q);
            }
            second.close();
        }
    }
}
