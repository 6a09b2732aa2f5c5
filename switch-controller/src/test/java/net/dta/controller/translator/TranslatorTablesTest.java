package net.dta.controller.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import net.dta.controller.p4runtime.P4Entities;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import org.junit.jupiter.api.Test;
import p4.v1.P4RuntimeOuterClass.TableEntry;

import static net.dta.p4.TranslatorP4Names.*;

/** The entries a translator should hold, computed from a deployment and catalogs, with the real P4Info files. */
class TranslatorTablesTest {
    private static final String YAML = """
            collectors:
              - {name: a, index: 0, address: 10.0.0.2, mac: "02:00:00:00:00:02"}
              - {name: b, index: 5, address: 10.0.0.3}
            stores:
              - {name: kw, id: 1}
              - {name: log, id: 4, append-batch: 4, collectors: [a]}
            translators:
              - name: t
                p4runtime: "127.0.0.1:9559"
                address: 10.0.0.1
                mac: "02:00:00:00:00:01"
                settings: {ack-interval: 16, flush-interval: 250us, probe-interval: 50ms}
                routes:
                  - {prefix: 10.0.0.3/32, port: 7, dst-mac: "02:00:00:00:00:99"}
                  - {prefix: 192.168.0.0/16, action: drop}
            """;

    private static Deployment deployment() throws Exception {
        return DeploymentLoader.parse("d.yaml", new StringReader(YAML), Path.of("."), null);
    }

    private static Catalog catalog(long va, boolean bigKw) {
        KeyWriteLayout kw = new KeyWriteLayout(bigKw ? 29 : 10, 8, 2);
        CatalogEntry e1 = new CatalogEntry(new StoreDefinition(1, "kw", kw, false), va, kw.dataLength(),
                bigKw ? new int[] {0x11, 0x12} : new int[] {0x11});
        AppendLayout ap = new AppendLayout(3, 4);
        CatalogEntry e4 = new CatalogEntry(new StoreDefinition(4, "log", ap, false), va + (1L << 33), ap.dataLength(), new int[] {0x44});
        return new Catalog(1, List.of(e1, e4));
    }

    private static List<TableEntry> of(TranslatorTables.Desired d, P4Entities p4, String table) {
        return d.entries().values().stream().filter(e -> e.getTableId() == p4.tableId(table)).toList();
    }

    @Test
    void shouldKeepTheRouteToARemovedCollectorUntilItsDisconnectIsOver() throws Exception {
        P4Entities p4 = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorV1model()));
        Deployment d = deployment();
        var gone = DeploymentLoader.parse("d.yaml", new StringReader(YAML.replace("  - {name: b, index: 5, address: 10.0.0.3}\n",
                "  - {name: b, index: 5, address: 10.0.0.3}\n  - {name: gone, index: 7, address: 10.0.0.9}\n")), Path.of("."), null)
                .collector("gone").orElseThrow();
        TranslatorTables.Desired desired = new TranslatorTables(p4).compute(d.translators().get(0), d, Map.of(), new TailAllocator(),
                (s, c) -> true, List.of(gone));
        List<TableEntry> routes = of(desired, p4, IPV4_ROUTES);
        assertEquals(4, routes.size(), "the deployment's three and one to the collector whose DREQ is under way");
        assertEquals(0x0A000009L, p4.match(routes.get(3), IPV4_ROUTES, F_DST_ADDR));
        assertTrue(of(desired, p4, QUEUE_PAIRS).isEmpty(), "its queue pair is gone at once");
    }

    @Test
    void shouldComputeEveryTableFromTheDeploymentAndTheCatalogs() throws Exception {
        for (var info : List.of(P4InfoFiles.translatorV1model(), P4InfoFiles.translatorTna())) {
            P4Entities p4 = new P4Entities(new P4InfoIndex(info));
            Deployment d = deployment();
            TailAllocator tails = new TailAllocator();
            Map<Integer, QpView> qps = Map.of(0, new QpView(0x11, catalog(0x7F00_0000_0000L, true), true),
                    5, new QpView(0x22, catalog(0x7E00_0000_0000L, true), true));
            TranslatorTables.Desired desired = new TranslatorTables(p4).compute(d.translators().get(0), d, qps, tails, (s, c) -> true);

            assertEquals(1, of(desired, p4, LOCAL_ADDRESSES).size());
            List<TableEntry> routes = of(desired, p4, IPV4_ROUTES);
            assertEquals(3, routes.size(), "two configured, one host route for a (b is covered by 10.0.0.3/32)");
            TableEntry hostRoute = routes.get(2);
            assertEquals(0x0A000002L, p4.match(hostRoute, IPV4_ROUTES, F_DST_ADDR));
            assertEquals(1, p4.param(hostRoute, FORWARD, P_PORT));
            assertEquals(0x020000000002L, p4.param(hostRoute, FORWARD, P_DST_MAC));
            assertEquals(0x020000000001L, p4.param(hostRoute, FORWARD, P_SRC_MAC));
            assertTrue(p4.hasAction(routes.get(1), DROP));

            TableEntry settings = of(desired, p4, SETTINGS).get(0);
            assertTrue(settings.getIsDefaultAction());
            assertEquals(4, p4.param(settings, SET_SETTINGS, P_ACK_INTERVAL_LOG2));
            assertEquals(250, p4.param(settings, SET_SETTINGS, P_FLUSH_INTERVAL_US));
            assertEquals(50, p4.param(settings, SET_SETTINGS, P_PROBE_INTERVAL_MS));

            List<TableEntry> qpEntries = of(desired, p4, QUEUE_PAIRS);
            assertEquals(2, qpEntries.size());
            assertEquals(0x22, p4.param(qpEntries.get(1), SET_QUEUE_PAIR, P_REMOTE_QPN));
            assertEquals(0x0A000003L, p4.param(qpEntries.get(1), SET_QUEUE_PAIR, P_COLLECTOR_IP));

            // kw: 2 segments on each of 2 collectors; log: 1 segment on a only.
            List<TableEntry> regions = of(desired, p4, REGIONS);
            assertEquals(5, regions.size());
            TableEntry seg1 = regions.get(1);
            assertEquals(1, p4.match(seg1, REGIONS, F_SEGMENT));
            assertEquals(0x7F00_0000_0000L + (1L << 31), p4.param(seg1, SET_REGION, P_VA));
            assertEquals(0x12, p4.param(seg1, SET_REGION, P_RKEY));

            assertEquals(512, of(desired, p4, COLLECTOR_SELECT).size());
            TableEntry b3 = of(desired, p4, COLLECTOR_SELECT).get(3);
            assertEquals(3, p4.match(b3, COLLECTOR_SELECT, F_BUCKET));
            assertEquals(5, p4.param(b3, SET_COLLECTOR, P_COLLECTOR), "bucket 3 -> b (3 mod 2), index 5");

            List<TableEntry> stores = of(desired, p4, STORES);
            assertEquals(2, stores.size());
            assertEquals(29, p4.param(stores.get(0), SET_KEY_WRITE_STORE, P_LOG2_SLOTS));
            assertEquals(3, p4.param(stores.get(1), SET_APPEND_STORE, P_LISTS));
            assertEquals(4, p4.param(stores.get(1), SET_APPEND_STORE, P_BATCH));
            assertEquals(0, p4.param(stores.get(1), SET_APPEND_STORE, P_TAIL_BASE));
            assertTrue(desired.stores().get("kw").programmed());
            assertNull(desired.stores().get("kw").error());
        }
    }

    @Test
    void shouldRefuseAStoreWhoseShardsDisagreeNamingBothCollectors() throws Exception {
        P4Entities p4 = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorV1model()));
        Deployment d = deployment();
        Map<Integer, QpView> qps = Map.of(0, new QpView(0x11, catalog(0x1000, false), true),
                5, new QpView(0x22, catalog(0x1000, true), true));
        TranslatorTables.Desired desired = new TranslatorTables(p4).compute(d.translators().get(0), d, qps, new TailAllocator(),
                (s, c) -> true);
        TranslatorTables.StoreView kw = desired.stores().get("kw");
        assertFalse(kw.programmed());
        assertTrue(kw.error().contains("its shards disagree: a has key-write, 2^10 slots x 8 B, redundancy 2, b has key-write, "
                + "2^29 slots x 8 B, redundancy 2"), kw.error());
        assertTrue(of(desired, p4, STORES).stream().noneMatch(e -> p4.match(e, STORES, F_STORE_ID) == 1));
        assertTrue(of(desired, p4, REGIONS).stream().noneMatch(e -> p4.match(e, REGIONS, F_STORE_ID) == 1));
    }

    @Test
    void shouldHoldAnAppendStoreBackUntilItsTailsAreRecovered() throws Exception {
        P4Entities p4 = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorV1model()));
        Deployment d = deployment();
        Map<Integer, QpView> qps = Map.of(0, new QpView(0x11, catalog(0x1000, false), true));
        TranslatorTables.Desired desired = new TranslatorTables(p4).compute(d.translators().get(0), d, qps, new TailAllocator(),
                (s, c) -> false);
        TranslatorTables.StoreView log = desired.stores().get("log");
        assertFalse(log.programmed());
        assertEquals("waiting for the tails of its lists on a to be recovered", log.error());
        TranslatorTables.StoreView kw = desired.stores().get("kw");
        assertTrue(kw.programmed(), "a Key-Write store needs no tails");
        assertEquals(List.of("a"), kw.known());
        assertEquals(List.of("a", "b"), kw.holders());
    }

    @Test
    void shouldReportAStoreMissingFromACollectorsCatalog() throws Exception {
        P4Entities p4 = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorV1model()));
        Deployment d = deployment();
        Catalog onlyLog = new Catalog(1, List.of(catalog(0x1000, false).entries().get(1)));
        Map<Integer, QpView> qps = Map.of(0, new QpView(0x11, onlyLog, true));
        TranslatorTables.StoreView kw = new TranslatorTables(p4).compute(d.translators().get(0), d, qps, new TailAllocator(),
                (s, c) -> true).stores().get("kw");
        assertEquals("collector a has no store with id 1 in its catalog (it has [log=4]): add it to that collector's "
                + "configuration, or remove a from the store's collectors", kw.error());
    }
}
