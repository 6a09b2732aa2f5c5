package net.dta.bench;

import java.util.List;

import net.dta.collector.Collector;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.translator.Translator;

/**
 * The deployment file of a benchmark set-up (docs/deployment.md), read by the switch controller
 * that programs the benchmark's translator: its collectors, the {@link BenchStores} with the
 * default bucket map (bucket b to collector b mod n), the translator, and the CM secret the
 * collectors read ({@code cm.secret} next to the file).
 */
final class BenchDeploymentFile {
    private BenchDeploymentFile() {
    }

    /**
     * @param translatorAddress the translator's data-plane address
     * @param appendBatch Append entries per RDMA WRITE
     * @param probeMillis the translator's liveness probe interval
     */
    static String yaml(String name, List<Collector> collectors, Translator t, String translatorAddress, int appendBatch, int probeMillis) {
        StringBuilder y = new StringBuilder();
        y.append("""
                deployment: {name: bench-%s}
                controller:
                  admin: {enabled: false}
                  rpc-deadline: 10s
                  cm: {timeout: 1s, retries: 4, secret-file: cm.secret}
                collectors:
                """.formatted(name));
        for (int i = 0; i < collectors.size(); i++) {
            Collector c = collectors.get(i);
            y.append("  - {name: %s, index: %d, address: %s, cm-port: %d}\n".formatted(c.config().name(), i,
                    c.config().network().address().getHostAddress(), c.config().network().cmPort()));
        }
        y.append("stores:\n");
        for (StoreDefinition d : BenchStores.STORES) {
            y.append("  - {name: %s, id: %d, kind: %s%s}\n".formatted(d.name(), d.storeId(), d.kind().configName(),
                    d.kind() == StoreKind.APPEND ? ", append-batch: " + appendBatch : ""));
        }
        y.append("""
                translators:
                  - name: %s
                    p4runtime: "%s:%d"
                    device-id: %d
                    pipeline: software
                    address: %s
                    report-port: %d
                    settings: {ack-interval: 64, flush-interval: 1ms, probe-interval: %dms}
                """.formatted(t.config().name(), t.p4runtimeAddress().getHostString(), t.p4runtimeAddress().getPort(), t.config().deviceId(),
                translatorAddress, t.reportAddress().getPort(), probeMillis));
        return y.toString();
    }
}
