package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import net.dta.controller.Controller;
import net.dta.controller.p4runtime.NotPrimaryException;
import net.dta.controller.p4runtime.P4RuntimeDevice;
import net.dta.controller.p4runtime.StreamClient;
import net.dta.controller.p4runtime.WriteClient;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.DeploymentLoader;
import net.dta.common.config.HostPort;
import net.dta.deployment.Pipeline;
import net.dta.deployment.SwitchEndpoint;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import net.dta.p4.TranslatorP4Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.StreamError;
import p4.v1.P4RuntimeOuterClass.Update;

/** Two controllers on one translator (P4Runtime arbitration), and a collector that is not there. */
class ArbitrationAndFailuresTest {
    @TempDir
    Path dir;

    private static TranslatorStatus translator(Controller c) {
        return c.status().translators().get(0);
    }

    private static boolean allUp(Controller c) {
        TranslatorStatus t = translator(c);
        return "ready".equals(t.state()) && t.queuePairs().stream().allMatch(q -> q.state().equals("up"));
    }

    @Test
    void shouldKeepASecondControllerWithALowerElectionIdFromWritingAndLetItTakeOverWhenThePrimaryLeaves() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(1);
            Controller primary = net.startController(net.writeDeployment("primary.yaml", 10, 1, ""));
            TestNetwork.await("primary ready", 20, () -> allUp(primary));

            Controller backup = net.startController(net.writeDeployment("backup.yaml", 5, 1, ""));
            TestNetwork.await("the second controller to be told it is a backup", 10,
                    () -> "backup".equals(translator(backup).state()));
            TranslatorStatus b = translator(backup);
            assertFalse(b.primary());
            assertEquals(10, b.primaryElectionId());
            assertTrue(b.detail().contains("another controller is primary (election id 10 > ours, 5)"), b.detail());
            assertEquals(0, b.pipelinePushes());
            assertEquals(0, b.writes());
            assertEquals("ready", translator(primary).state());

            // The switch itself refuses a write from the lower election id.
            SwitchEndpoint low = new SwitchEndpoint("tor", HostPort.parse(net.p4runtime()), 1, 3, Pipeline.SOFTWARE, null, null);
            try (P4RuntimeDevice device = new P4RuntimeDevice("translator", low, new P4InfoIndex(P4InfoFiles.translatorV1model()),
                    Duration.ofSeconds(3))) {
                CompletableFuture<StreamClient.Mastership> m = new CompletableFuture<>();
                device.stream().open(new StreamClient.Listener() {
                    @Override
                    public void onMastership(StreamClient.Mastership mastership) {
                        m.complete(mastership);
                    }

                    @Override
                    public void onPacketIn(PacketIn packet) {
                    }

                    @Override
                    public void onStreamError(StreamError error) {
                    }

                    @Override
                    public void onClosed(Status status) {
                    }
                });
                assertFalse(m.get(5, TimeUnit.SECONDS).primary());
                NotPrimaryException e = assertThrows(NotPrimaryException.class, () -> device.writer().write(List.of(
                        WriteClient.update(Update.Type.MODIFY, device.entities().register(TranslatorP4Names.REG_QP_UP, 0, 0)))));
                assertTrue(e.getMessage().contains("PERMISSION_DENIED"), e.getMessage());
                assertTrue(e.getMessage().contains("not the primary"), e.getMessage());
            }

            // The primary leaves: the backup becomes primary, finds the pipeline installed and takes over.
            primary.close();
            TestNetwork.await("the second controller to take over", 20, () -> allUp(backup));
            TranslatorStatus taken = translator(backup);
            assertTrue(taken.primary());
            assertEquals(0, taken.pipelinePushes(), "the pipeline was kept, not pushed again");
        }
    }

    @Test
    void shouldReportADeadCollectorByNameStoresAndStepWhileTheOthersWork() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(1);
            String dead = "  - {name: c9, index: 9, address: " + net.collectorAddress(9) + "}\n";
            Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 1, dead));
            TestNetwork.await("c0 up and c9 failed", 20, () -> {
                TranslatorStatus t = translator(controller);
                return "up".equals(t.queuePairs().get(0).state()) && t.queuePairs().get(1).failures() >= 1;
            });
            TranslatorStatus.QueuePairStatus q = translator(controller).queuePairs().get(1);
            assertEquals("c9", q.collector());
            assertEquals("CM REQ", q.step());
            assertEquals("collector c9 (" + net.collectorAddress(9) + "): CM REQ sent 3 times, no REP (withdrawn with a REJ, timeout): is the collector running and "
                    + "listening on CM port 40041? [stores queue-depth, flow-bytes, paths, drops, heavy-hitters have no shard on c9 "
                    + "until it connects; the other collectors keep working]", q.lastError());
            TranslatorStatus.StoreStatus kw = translator(controller).stores().get(0);
            assertTrue(kw.programmed(), "the store works on the collectors that are there");
            assertEquals("1/2", kw.collectors());

            // Buckets of c0 work; buckets of c9 are dropped by the translator (queue pair down), and counted.
            for (int i = 0; i < 32; i++) {
                net.keyWrite("0a0000010a0000021f9000500600" + String.format("%04x", i), i);
            }
            TestNetwork.await("reports split between delivered and queue_pair_down drops", 10, () -> {
                TranslatorStatus t = translator(controller);
                return t.counters().reports().get("key-write") + t.counters().drops().getOrDefault("queue_pair_down", 0L) >= 32
                        && t.counters().drops().getOrDefault("queue_pair_down", 0L) > 0;
            });
            assertTrue(net.collectors.get(0).collector().stores().keyWrite("queue-depth").occupiedSlots() > 0);
        }
    }

    @Test
    void shouldAddAndRemoveACollectorWithoutRestartingTheTranslator() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            net.startCollectorsAndTranslator(2);
            Path one = net.writeDeployment("one.yaml", 10, 1, "");
            Controller controller = net.startController(one);
            TestNetwork.await("c0 up", 20, () -> allUp(controller));
            assertEquals(1, translator(controller).queuePairs().size());

            controller.reload(DeploymentLoader.load(net.writeDeployment("two.yaml", 10, 2, "")));
            TestNetwork.await("c1 added and up, stores on both", 20, () -> allUp(controller)
                    && translator(controller).queuePairs().size() == 2 && "2/2".equals(translator(controller).stores().get(0).collectors()));
            TranslatorStatus t = translator(controller);
            assertEquals(1, t.pipelinePushes());
            assertEquals(1, t.sessions(), "same P4Runtime session");
            assertEquals(1 + t.queuePairs().get(0).downs(), t.queuePairs().get(0).connects(), "c0's queue pair untouched by the change");

            controller.reload(DeploymentLoader.load(one));
            TestNetwork.await("c1 removed", 20, () -> translator(controller).queuePairs().size() == 1
                    && "1/1".equals(translator(controller).stores().get(0).collectors()));
            TestNetwork.await("c1's queue pair gone from the collector (DREQ)", 10,
                    () -> net.collectors.get(1).collector().backend().queuePairs().isEmpty());
            TranslatorStatus.QueuePairStatus c0 = translator(controller).queuePairs().get(0);
            assertEquals(1 + c0.downs(), c0.connects());
            assertEquals(2, controller.status().reloads());
        }
    }
}
