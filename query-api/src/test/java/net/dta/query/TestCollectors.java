package net.dta.query;

import net.dta.testkit.TestCmSecret;
import java.io.StringReader;
import java.nio.file.Path;

import net.dta.collector.Collector;
import net.dta.collector.CollectorTestSupport;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.ConfigLoader;

/** Collectors started in the test's JVM: the real daemon with the software responder on loopback UDP. */
final class TestCollectors {
    private TestCollectors() {
    }

    /** The five stores of protocol.md section 10 (queue-depth, flow-bytes, paths, drops, heavy-hitters). */
    static Collector start(Path dir, String name, String ip) throws Exception {
        return start(dir, name, ip, CollectorTestSupport.VECTOR_STORES);
    }

    static Collector start(Path dir, String name, String ip, String stores) throws Exception {
        TestCmSecret.writeTo(dir);
        String yaml = "collector: {name: " + name + "}\nnetwork: {address: " + ip + ", ingest: udp}\n"
                + TestCmSecret.COLLECTOR_YAML
                + "data-dir: data/" + name + "\nadmin: {address: 127.0.0.1:0}\n" + stores;
        return Collector.start(ConfigLoader.parse(name + ".yaml", new StringReader(yaml), dir, null), new DefaultBackends());
    }
}
