package net.dta.mininet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The k=4 fat-tree ({@code ./dta mininet fat-tree --k 4}, docs/mininet.md): 20 BMv2 switches (19
 * reporters, the translator as the collectors' rack), programmed by the controller. Every ping
 * answered; every flow's path, as the query service returns it, is the path the topology's routes
 * take (up to 5 switches: edge, aggregation, core, aggregation, edge), and its byte count at least
 * what was sent. An aggregation-core link cut: the controller applies the rewritten deployment and
 * a new flow's path goes around it. Skipped like {@link LeafSpineFabricTest} without root, Mininet or BMv2.
 */
class FatTreeFabricTest {
    @Test
    void shouldReturnTheFiveSwitchPathsThroughTheCoreOfTheFatTree() throws IOException, InterruptedException {
        JsonNode result = FabricRun.run("fat-tree", List.of("--k", "4", "--duration", "1", "--traffic", "--flows", "8",
                "--packets", "3", "--failure"));
        FabricRun.assertFlows(result, 8);
        boolean throughCore = false;
        for (JsonNode f : result.get("flows")) {
            throughCore |= f.get("expected_path").size() == 5;
        }
        assertTrue(throughCore, "some flows cross the core: " + result.get("flows"));
        assertTrue(result.get("switches").size() == 20, "20 switches: " + result.get("switches"));
        FabricRun.assertFailureRerouted(result.get("failure"));
    }
}
