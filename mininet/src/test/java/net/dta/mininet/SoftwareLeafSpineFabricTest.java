package net.dta.mininet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The software variant of the leaf-spine fabric ({@code ./dta mininet leaf-spine --software},
 * docs/mininet.md "The software variant"): no BMv2. Linux routers in network namespaces forward with
 * the topology's routes, a reporter agent per router ({@code ./dta reporter agent}) reports what it
 * forwards, the software translator runs in the translator router's namespace under the switch
 * controller. The same checks as the P4 fabric's ({@link LeafSpineFabricTest}): every flow's path
 * hop by hop with switch ids as routed, Key-Increment bytes at least those sent, congestion as
 * queue-depth Key-Writes and Append events (with the qdisc's drops counted exactly), a spine link
 * failure rerouted, a collector killed and restarted, the translator killed and restarted. Skipped
 * without root or Mininet, unless {@code DTA_REQUIRE_MININET=1}.
 */
class SoftwareLeafSpineFabricTest {
    @Test
    void shouldReportFromLinuxRoutersWhatTheP4FabricReports() throws IOException, InterruptedException {
        JsonNode result = FabricRun.run("leaf-spine", List.of("--software", "--duration", "1", "--traffic", "--flows", "16",
                "--packets", "5", "--congestion", "--collector-restart", "--translator-restart", "--failure"));
        assertTrue(result.get("software").asBoolean(), "the run was the software variant");
        FabricRun.assertFlows(result, 16);
        LeafSpineFabricTest.assertCongestionShows(result.get("congestion"));
        RestartChecks.assertCollectorRestart(result.get("collector_restart"));
        RestartChecks.assertTranslatorRestart(result.get("translator_restart"));
        FabricRun.assertFailureRerouted(result.get("failure"));
        System.out.printf("leaf-spine --software: every check passed; the runner's own time %s s%n", result.get("seconds").asText());
    }
}
