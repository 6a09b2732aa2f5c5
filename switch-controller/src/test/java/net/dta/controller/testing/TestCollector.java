package net.dta.controller.testing;

import net.dta.testkit.TestCmSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import net.dta.collector.Collector;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;

/**
 * A real software collector (the collector daemon's classes, UDP ingest) on its own loopback
 * address, with its data directory under a test's temporary directory; restartable on the same
 * data.
 */
public final class TestCollector implements AutoCloseable {
    /** The five stores of protocol.md section 10. */
    public static final String VECTOR_STORES = """
            stores:
              - {name: queue-depth, id: 1, kind: key-write, slots: 1024, redundancy: 2}
              - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 1024}
              - {name: paths, id: 3, kind: postcard, rows: 256, hops: 5}
              - {name: drops, id: 4, kind: append, lists: 4, entries-per-list: 16}
              - {name: heavy-hitters, id: 5, kind: sketch, rows: 2, columns: 1024}
            """;

    private final Path config;
    private Collector collector;

    private TestCollector(Path config) {
        this.config = config;
    }

    /** Starts a collector named {@code name} on {@code address} with the given stores YAML. */
    public static TestCollector start(Path dir, String name, String address, String storesYaml, boolean restoreQueuePairs)
            throws Exception {
        return start(dir, name, address, storesYaml, restoreQueuePairs, "udp");
    }

    /** @param ingest udp, or raw (root: a raw socket that verifies every ICRC, as a NIC does) */
    public static TestCollector start(Path dir, String name, String address, String storesYaml, boolean restoreQueuePairs,
                                      String ingest) throws Exception {
        Path home = dir.resolve(name);
        Files.createDirectories(home);
        Path config = home.resolve("collector.yaml");
        TestCmSecret.writeTo(home);
        Files.writeString(config, TestCmSecret.COLLECTOR_YAML + """
                collector: {name: %s}
                network: {address: %s, ingest: %s}
                data-dir: data
                admin: {address: "127.0.0.1:0"}
                queue-pairs: {restore-on-restart: %s, persist-interval: 50ms}
                """.formatted(name, address, ingest, restoreQueuePairs) + storesYaml, StandardCharsets.UTF_8);
        TestCollector c = new TestCollector(config);
        c.start();
        return c;
    }

    /** From the next start on, announce starts to the controller's admin endpoint (docs/reliability.md). */
    public void announceTo(String controllerAdmin) throws java.io.IOException {
        Files.writeString(config, "controller: {admin: \"" + controllerAdmin + "\"}\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    public void start() throws Exception {
        CollectorConfig cfg = ConfigLoader.load(config);
        collector = Collector.start(cfg, new DefaultBackends());
    }

    /** Stops it (as SIGTERM would: queue pairs saved), keeping the data. */
    public void stop() {
        if (collector != null) {
            collector.close();
            collector = null;
        }
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    public Collector collector() {
        return collector;
    }

    public Path dataDir() {
        return config.getParent().resolve("data");
    }

    @Override
    public void close() {
        stop();
    }
}
