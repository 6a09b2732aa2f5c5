package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.testing.TestCollector;
import net.dta.controller.testing.TestNetwork;
import net.dta.testkit.RawSockets;

/**
 * Issue 13 item 11: a UDP-mode translator and a raw-mode collector never connect (the collector
 * drops every REQ for its ICRC), and the controller asked whether the collector runs. With the
 * collector's admin endpoint in the deployment, the error now names the mode mismatch and the fix.
 */
class ModeMismatchTest {
    @TempDir
    Path dir;

    @Test
    void aUdpTranslatorFacingARawCollectorIsReportedAsAModeMismatch() throws Exception {
        RawSockets.require();
        try (TestNetwork net = new TestNetwork(dir)) {
            TestCollector raw = TestCollector.start(dir, "c0", net.collectorAddress(0), TestCollector.VECTOR_STORES, false, "raw");
            try (raw) {
                net.startTranslator();
                String collector = "  - {name: c0, index: 0, address: " + net.collectorAddress(0) + ", admin: \"127.0.0.1:"
                        + raw.collector().adminAddress().getPort() + "\"}\n";
                Controller controller = net.startController(net.writeDeployment("deployment.yaml", 10, 0, collector));
                TestNetwork.await("the connection to fail with a diagnosis", 30, () -> {
                    TranslatorStatus.QueuePairStatus q = controller.status().translators().get(0).queuePairs().get(0);
                    return q.lastError() != null && q.lastError().contains("mode mismatch");
                });
                String error = controller.status().translators().get(0).queuePairs().get(0).lastError();
                assertTrue(error.contains("raw ingest mode, verifies ICRCs") && error.contains("network.mode raw"), error);
            }
        }
    }
}
