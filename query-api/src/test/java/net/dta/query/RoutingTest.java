package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.Collector;
import net.dta.deployment.BucketMap;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.StoreSpec;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.CounterLayout;
import net.dta.query.model.Answers;
import net.dta.query.source.CollectorSource;
import net.dta.query.source.RemoteCollector;
import net.dta.query.source.StatusSource;

/**
 * Two collectors holding shards of the same stores, fed with real RoCEv2: every query goes to
 * the one collector the deployment's bucket map names (the other collector holds a conflicting
 * value under the same key, and its read counter does not move), a sketch's rows come from the
 * collectors of their columns, and a collector on "another host" is read through the query service
 * next to it (two query services on loopback).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoutingTest {
    @TempDir
    static Path dir;

    Collector c1;
    Collector c2;
    Feeder f1;
    Feeder f2;
    Deployment deployment;
    QueryService service;

    @BeforeAll
    void start() throws Exception {
        c1 = TestCollectors.start(dir, "c1", "127.0.78.2");
        c2 = TestCollectors.start(dir, "c2", "127.0.78.3");
        f1 = Feeder.connect("127.0.78.1", "127.0.78.2", 0x000100);
        f2 = Feeder.connect("127.0.78.4", "127.0.78.3", 0x000101);
        deployment = deployment(null);
        service = QueryServices.forDeployment(deployment, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** c1 and c2 by data directory, or c1 through a query service when c1Query is set. */
    Deployment deployment(String c1Query) throws Exception {
        String c1Line = c1Query == null ? "data-dir: " + c1.config().dataDir() : "query: " + c1Query;
        String yaml = """
                deployment: {name: routing}
                collectors:
                  - {name: c1, address: 127.0.78.2, admin: %s, %s}
                  - {name: c2, address: 127.0.78.3, admin: %s, data-dir: %s}
                stores:
                  - {name: queue-depth, id: 1, kind: key-write}
                  - {name: flow-bytes, id: 2, kind: key-increment}
                  - {name: paths, id: 3, kind: postcard}
                  - {name: drops, id: 4, kind: append}
                  - name: heavy-hitters
                    id: 5
                    kind: sketch
                    buckets: {"0-9": c2, "10-255": c1}
                """.formatted(QueryServer.hostPort(c1.adminAddress()), c1Line, QueryServer.hostPort(c2.adminAddress()),
                c2.config().dataDir());
        return DeploymentLoader.parse("deployment.yaml", new StringReader(yaml), dir, null);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {service, f1, f2, c1, c2}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing
            }
        }
    }

    /** Keys until one lands on each collector (bucket b -> collectors[b mod 2]). */
    byte[] keyOn(String collector, int salt) {
        StoreSpec spec = deployment.store("queue-depth").orElseThrow();
        for (int i = 0; ; i++) {
            byte[] k = Keys.parse(String.format("10.1.%d.%d:1000->10.2.0.1:80/udp", salt, i));
            if (deployment.collectorForKey(spec, k).name().equals(collector)) {
                return k;
            }
        }
    }

    Feeder feeder(String collector) {
        return collector.equals("c1") ? f1 : f2;
    }

    static String other(String collector) {
        return collector.equals("c1") ? "c2" : "c1";
    }

    @Test
    void eachKeyIsReadFromTheOneCollectorItsBucketNames() throws Exception {
        for (String right : List.of("c1", "c2")) {
            byte[] k = keyOn(right, 1);
            feeder(right).keyWrite("queue-depth", k, 111);
            feeder(other(right)).keyWrite("queue-depth", k, 999);
            feeder(right).increment("flow-bytes", k, 5);
            feeder(other(right)).increment("flow-bytes", k, 5000);
            feeder(right).path("paths", k, 0x0A000001, 0x0B000002);
            feeder(other(right)).path("paths", k, 0x7F000001);

            long otherBefore = service.sources().get(other(right)).queries("queue-depth");
            Answers.KeyWrite kw = service.keyWrite("queue-depth", Keys.hex(k), 0, "");
            assertEquals(right, kw.collector());
            assertEquals(111L, kw.valueUint(), "the value of the right collector, not the conflicting one");
            assertEquals(otherBefore, service.sources().get(other(right)).queries("queue-depth"), "the other collector was not read");

            assertEquals(5, service.counter("flow-bytes", Keys.hex(k), "").estimate());
            Answers.Path p = service.path("paths", Keys.hex(k), "");
            assertEquals(right, p.collector());
            assertEquals(2, p.validHops());
            assertEquals(0x0B, p.hops().get(1).switchId());

            // Many keys at once: each answered by its own collector, in the order asked.
            byte[] otherKey = keyOn(other(right), 2);
            feeder(other(right)).keyWrite("queue-depth", otherKey, 222);
            Answers.KeyWriteMany many = service.keyWriteMany("queue-depth", List.of(Keys.hex(k), Keys.hex(otherKey), Keys.hex(k)), 0, "");
            assertEquals(List.of(right, other(right), right), many.answers().stream().map(Answers.KeyWrite::collector).toList());
            assertEquals(List.of(111L, 222L, 111L), many.answers().stream().map(Answers.KeyWrite::valueUint).toList());

            // Asking one collector explicitly reads that one (what a forwarding service does).
            assertEquals(999L, service.keyWrite("queue-depth", Keys.hex(k), 0, other(right)).valueUint());
        }
    }

    @Test
    void appendListsAreReadFromTheCollectorOfTheirBucket() throws Exception {
        // drops has both collectors and no explicit map: list l -> collectors[l mod 2].
        f1.append("drops", 2, 0x12);
        f2.append("drops", 2, 0x99);
        f2.append("drops", 3, 0x23);
        f1.append("drops", 3, 0x99);
        Answers.Append l2 = service.appendRead("drops", 2, 0L, 10, "");
        assertEquals("c1", l2.collector());
        assertEquals(List.of(0x12L), l2.entries().stream().map(Answers.AppendEntry::value).toList());
        Answers.Append l3 = service.appendRead("drops", 3, 0L, 10, "");
        assertEquals("c2", l3.collector());
        assertEquals(List.of(0x23L), l3.entries().stream().map(Answers.AppendEntry::value).toList());
    }

    @Test
    void aSketchRowIsReadFromTheCollectorOfItsColumn() throws Exception {
        // buckets 0-9 -> c2, 10-255 -> c1; a column's bucket is (column >> 4) & 0xFF.
        StoreSpec spec = deployment.store("heavy-hitters").orElseThrow();
        DtaHash hash = new DtaHash();
        CounterLayout layout = (CounterLayout) c1.stores().counters("heavy-hitters").layout();
        byte[] key = null;
        for (int i = 0; key == null; i++) {
            byte[] k = Keys.parse(String.format("10.3.0.%d:2000->10.4.0.1:443/tcp", i));
            Set<String> owners = new HashSet<>();
            for (int r = 0; r < layout.rows(); r++) {
                owners.add(deployment.collectorForColumn(spec, hash.index(k, r, layout.log2Columns())).name());
            }
            if (owners.size() == 2) {
                key = k; // its two rows live on different collectors
            }
        }
        for (int r = 0; r < layout.rows(); r++) {
            long column = hash.index(key, r, layout.log2Columns());
            String owner = deployment.collectorForColumn(spec, column).name();
            assertEquals(owner, BucketMap.bucketOfColumn(column) < 10 ? "c2" : "c1");
            feeder(owner).sketchCounter("heavy-hitters", r, column, 42 + r);
            feeder(other(owner)).sketchCounter("heavy-hitters", r, column, 1_000_000);
        }
        Answers.Counter est = service.counter("heavy-hitters", Keys.hex(key), "");
        assertEquals(42, est.estimate());
        assertEquals(2, est.collectors().size());
        for (Answers.RowCounter rc : est.rows()) {
            assertEquals(42 + rc.row(), rc.counter(), "row " + rc.row() + " from " + rc.collector());
            assertEquals(deployment.collectorForColumn(spec, rc.column()).name(), rc.collector());
        }
    }

    @Test
    void aCollectorOnAnotherHostIsReadThroughItsQueryService() throws Exception {
        byte[] k = keyOn("c1", 7);
        f1.keyWrite("queue-depth", k, 4242);
        f2.keyWrite("queue-depth", k, 1);
        QueryService nextToC1 = QueryServices.forDataDir("c1", c1.config().dataDir(), StatusSource.inProcess(c1::status),
                Duration.ofSeconds(1));
        try (QueryServer remote = QueryServer.start(nextToC1, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0), null,
                false, null));
             QueryService front = QueryServices.forDeployment(deployment(QueryServer.hostPort(remote.grpcAddress())), List.of(),
                     Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            CollectorSource c1Source = front.sources().get("c1");
            assertTrue(c1Source instanceof RemoteCollector, c1Source.describe());
            long before = nextToC1.sources().get("c1").queries("queue-depth");
            Answers.KeyWrite kw = front.keyWrite("queue-depth", Keys.hex(k), 0, "");
            assertEquals(4242L, kw.valueUint());
            assertEquals("c1", kw.collector());
            assertEquals(before + 1, nextToC1.sources().get("c1").queries("queue-depth"), "answered by the service next to c1");

            // A key of c2 is read locally; the store list and the status cover both collectors.
            byte[] k2 = keyOn("c2", 7);
            f2.keyWrite("queue-depth", k2, 77);
            assertEquals("c2", front.keyWrite("queue-depth", Keys.hex(k2), 0, "").collector());
            assertEquals(List.of("c1", "c2"), front.stores().stores().get(0).collectors());
            var status = front.status("", true);
            assertEquals(2, status.collectors().size());
            assertTrue(status.collectors().get(0).reachable(), status.collectors().get(0).error());
            assertTrue(status.collectors().get(0).source().startsWith("remote "), status.collectors().get(0).source());
            assertEquals(10, status.stores().size(), "five stores on each of two collectors");

            QueryException e = assertThrows(QueryException.class, () -> front.keyWrite("paths", Keys.hex(k), 0, ""));
            assertEquals(QueryException.Reason.WRONG_KIND, e.reason());
        }
        assertNotEquals(0, nextToC1.sources().get("c1").queries("queue-depth"));
    }

    @Test
    void aForwardedQueryIsNeverForwardedAgain() throws Exception {
        // Y reads c1 through a query service too (a dead one): a query X forwards to Y must stop at Y.
        QueryService y = QueryServices.forDeployment(deployment("127.0.0.1:1"), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(2));
        try (QueryServer yServer = QueryServer.start(y, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0), null, false, null));
             QueryService x = QueryServices.forDeployment(deployment(QueryServer.hostPort(yServer.grpcAddress())), List.of(),
                     Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            QueryException e = assertThrows(QueryException.class, () -> x.keyWrite("queue-depth", Keys.hex(keyOn("c1", 9)), 0, ""));
            assertEquals(QueryException.Reason.COLLECTOR_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("is not forwarded again"), e.getMessage());
        }
    }

    @Test
    void aCollectorStartedAfterTheQueryServiceIsReadOnceItHasCreatedItsStores() throws Exception {
        Path lateDir = dir.resolve("data/late");
        String yaml = "collectors:\n  - {name: late, address: 127.0.78.5, data-dir: " + lateDir + "}\n"
                + "stores:\n  - {name: queue-depth, id: 1, kind: key-write}\n";
        Deployment d = DeploymentLoader.parse("late.yaml", new StringReader(yaml), dir, null);
        try (QueryService s = QueryServices.forDeployment(d, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            byte[] k = Keys.parse("10.5.0.1:1->10.5.0.2:2/udp");
            QueryException e = assertThrows(QueryException.class, () -> s.keyWrite("queue-depth", Keys.hex(k), 0, ""));
            assertEquals(QueryException.Reason.COLLECTOR_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("is not known yet"), e.getMessage());
            try (Collector late = TestCollectors.start(dir, "late", "127.0.78.5");
                 Feeder f = Feeder.connect("127.0.78.6", "127.0.78.5", 0x000102)) {
                f.keyWrite("queue-depth", k, 5);
                assertEquals(5L, s.keyWrite("queue-depth", Keys.hex(k), 0, "").valueUint());
                assertEquals(lateDir, late.config().dataDir());
            }
        }
    }

    @Test
    void aDeploymentWhoseCollectorCannotBeReadIsRefusedWithTheReason() throws Exception {
        String yaml = "collectors:\n  - {name: far, address: 127.0.78.9}\nstores:\n  - {name: queue-depth, id: 1}\n";
        Deployment d = DeploymentLoader.parse("far.yaml", new StringReader(yaml), dir, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueryServices.forDeployment(d, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("collector far cannot be read from here"), e.getMessage());
    }
}
