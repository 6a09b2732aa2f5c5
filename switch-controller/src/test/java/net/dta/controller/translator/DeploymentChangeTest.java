package net.dta.controller.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.StoreSpec;
import org.junit.jupiter.api.Test;

/** The deployment diff a live change applies to one translator, from pairs of real deployment files. */
class DeploymentChangeTest {
    private static final String TRANSLATOR = """
            translators:
              - {name: t, p4runtime: "127.0.0.1:9559", address: 10.0.0.1}
            """;

    private static Deployment parse(String collectorsAndStores) throws Exception {
        return DeploymentLoader.parse("d.yaml", new StringReader(collectorsAndStores + TRANSLATOR), Path.of("."), null);
    }

    private static final String BASE = """
            collectors:
              - {name: a, index: 0, address: 10.0.0.2}
              - {name: b, index: 1, address: 10.0.0.3}
            stores:
              - {name: kw, id: 1}
              - {name: log, id: 4, append-batch: 4, collectors: [a]}
            """;

    private static DeploymentChange change(Deployment before, Deployment after) {
        return DeploymentChange.between(before, after, after.translator("t").orElseThrow(),
                before.collectorsOf(before.translator("t").orElseThrow()));
    }

    private static List<String> names(List<CollectorSpec> cs) {
        return cs.stream().map(CollectorSpec::name).toList();
    }

    @Test
    void shouldChangeNothingWhenTheDeploymentIsTheSame() throws Exception {
        DeploymentChange c = change(parse(BASE), parse(BASE));
        assertTrue(c.removed().isEmpty() && c.added().isEmpty() && c.tailsDropped().isEmpty() && c.storesAdded().isEmpty(), c.toString());
    }

    @Test
    void shouldConnectAnAddedCollectorAndDisconnectARemovedOne() throws Exception {
        Deployment before = parse(BASE);
        Deployment after = parse(BASE.replace("  - {name: b, index: 1, address: 10.0.0.3}",
                "  - {name: c, index: 2, address: 10.0.0.4}"));
        DeploymentChange c = change(before, after);
        assertEquals(List.of("b"), names(c.removed()));
        assertEquals(List.of("c"), names(c.added()));
    }

    @Test
    void shouldReconnectACollectorWhoseSettingsChanged() throws Exception {
        DeploymentChange c = change(parse(BASE), parse(BASE.replace("10.0.0.3", "10.0.0.9")));
        assertEquals(List.of("b"), names(c.removed()));
        assertEquals(List.of("b"), names(c.added()));
        assertEquals(0x0A000009, c.added().get(0).address());
    }

    @Test
    void shouldReleaseTheTailsOfARemovedStoreOrOfANewTailBase() throws Exception {
        Deployment before = parse(BASE);
        assertEquals(List.of(4), change(before, parse(BASE.replace("  - {name: log, id: 4, append-batch: 4, collectors: [a]}\n", "")))
                .tailsDropped());
        assertEquals(List.of(4), change(before, parse(BASE.replace("collectors: [a]}", "collectors: [a], tail-base: 100}")))
                .tailsDropped());
        assertTrue(change(before, parse(BASE.replace("append-batch: 4", "append-batch: 8"))).tailsDropped().isEmpty(),
                "a store that keeps its tail base keeps its tails");
    }

    @Test
    void shouldNameAStoreThatIsNew() throws Exception {
        DeploymentChange c = change(parse(BASE), parse(BASE + "  - {name: drops, id: 5, collectors: [b]}\n"));
        assertEquals(List.of("drops"), c.storesAdded().stream().map(StoreSpec::name).toList());
        assertTrue(c.removed().isEmpty() && c.added().isEmpty() && c.tailsDropped().isEmpty());
    }
}
