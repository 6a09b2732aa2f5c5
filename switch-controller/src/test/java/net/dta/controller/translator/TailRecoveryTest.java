package net.dta.controller.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import org.junit.jupiter.api.Test;

/** Which rings a connection reads to recover Append tails, and when a store's tails count as live. */
class TailRecoveryTest {
    private static final String YAML = """
            collectors:
              - {name: a, index: 0, address: 10.0.0.2}
              - {name: b, index: 1, address: 10.0.0.3}
            stores:
              - {name: kw, id: 1}
              - {name: log, id: 4, append-batch: 4}
              - {name: pinned, id: 6, tail-base: 100}
            translators:
              - {name: t, p4runtime: "127.0.0.1:9559", address: 10.0.0.1}
            """;

    private final Deployment d = parse();
    private final CollectorSpec a = d.collector("a").orElseThrow();

    private static Deployment parse() {
        try {
            return DeploymentLoader.parse("d.yaml", new StringReader(YAML), Path.of("."), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** a's catalog: a Key-Write store and two Append stores of 4 lists each. */
    private static Catalog catalog() {
        KeyWriteLayout kw = new KeyWriteLayout(10, 8, 1);
        AppendLayout log = new AppendLayout(4, 3);
        return new Catalog(1, List.of(new CatalogEntry(new StoreDefinition(1, "kw", kw, false), 0x1000, kw.dataLength(), new int[] {1}),
                new CatalogEntry(new StoreDefinition(4, "log", log, false), 0x10_0000, log.dataLength(), new int[] {4}),
                new CatalogEntry(new StoreDefinition(6, "pinned", log, false), 0x20_0000, log.dataLength(), new int[] {6})));
    }

    @Test
    void shouldReadTheRingsOfTheListsTheBucketMapGivesTheCollector() {
        TailRecovery tails = new TailRecovery();
        List<TailRecovery.Rings> plan = tails.plan(d, a, catalog());
        assertEquals(List.of("log", "pinned"), plan.stream().map(r -> r.store().name()).toList(), "Append stores only");
        List<Integer> aLists = d.bucketMap(d.store("log").orElseThrow()).collectorForList(0).index() == 0 ? List.of(0, 2) : List.of(1, 3);
        assertEquals(aLists, plan.get(0).lists(), "a holds every other list of a store on two collectors");
        assertEquals(0, plan.get(0).base(), "an allocated tail range starts at the lowest free register");
        assertEquals(100, plan.get(1).base(), "the deployment's tail base");
        assertEquals(plan.get(0).base(), tails.allocator().baseOf(4));
    }

    @Test
    void shouldCountTailsAsLiveOnlyOnceWrittenAndForgetThemOnRelease() {
        TailRecovery tails = new TailRecovery();
        List<TailRecovery.Rings> plan = tails.plan(d, a, catalog());
        assertFalse(tails.ready(4, 0), "read is not enough: an attempt may fail before the registers are written");
        assertEquals(2, tails.plan(d, a, catalog()).size(), "planned again until written");
        tails.written(new TailRecovery.Recovered(plan, List.of()), a);
        assertTrue(tails.ready(4, 0) && tails.ready(6, 0));
        assertFalse(tails.ready(4, 1), "b's lists are b's");
        assertTrue(tails.plan(d, a, catalog()).isEmpty());
        tails.release(4);
        assertFalse(tails.ready(4, 0));
        assertEquals(List.of("log"), tails.plan(d, a, catalog()).stream().map(r -> r.store().name()).toList());
    }

    @Test
    void shouldKeepTheLiveTailsOfARunningTranslatorUnlessTheDeploymentMovedThem() {
        TailRecovery tails = new TailRecovery();
        tails.adopt(d, 4, 40, 4);
        assertTrue(tails.ready(4, 0) && tails.ready(4, 1), "live on every collector of the store");
        assertEquals(40, tails.allocator().baseOf(4));
        tails.adopt(d, 6, 50, 4);
        assertFalse(tails.ready(6, 0), "the deployment fixes another tail base (100): recovered instead");
        assertEquals(List.of("pinned"), tails.plan(d, a, catalog()).stream().map(r -> r.store().name()).toList());
    }
}
