package net.dta.demo;

import java.net.InetSocketAddress;
import java.util.List;

import net.dta.common.config.HostPort;
import net.dta.translator.config.Mode;

/**
 * The configuration files the demo writes into its data directory at every start and then loads
 * with the components' own loaders, exactly as {@code ./dta collector run --config}, {@code ./dta
 * translator run --config} and {@code ./dta controller run --config} would: one per collector
 * ({@code c1.yaml}, ...), the translator's ({@code tor-1.yaml}) and the deployment file
 * ({@code deployment.yaml}, written once the collectors and the translator listen, with the
 * addresses they bound). Users can read them, check them and run the same set-up as separate
 * processes (docs/demo.md).
 */
final class DemoFiles {
    static final String DEPLOYMENT = "deployment.yaml";
    /** The deployment's RDMA CM secret, made by the demo at its first start (docs/security.md). */
    static final String CM_SECRET = "cm.secret";

    private DemoFiles() {
    }

    static String collectorFile(DemoSettings s, int i) {
        return s.collectorName(i) + ".yaml";
    }

    static String translatorFile() {
        return DemoSettings.TRANSLATOR + ".yaml";
    }

    /** Collector i: its loopback address, the ingest mode, its data directory next to this file, the five stores. */
    static String collectorYaml(DemoSettings s, int i) {
        return """
                # Collector %1$s of the DTA demo: written by ./dta demo at every start (docs/demo.md, docs/collector.md).
                collector: {name: %1$s}
                network: {address: %2$s, ingest: %3$s}
                # The deployment's RDMA CM secret: the controller signs its REQs with the same file (docs/security.md).
                cm: {secret-file: cm.secret}
                data-dir: %1$s
                admin: {enabled: true, address: "%4$s"}
                # The demo starts a new translator at every run: the controller connects it again, so saved
                # queue pairs are not re-created.
                queue-pairs: {restore-on-restart: false}
                """.formatted(s.collectorName(i), s.collectorAddress(i), s.mode() == Mode.RAW ? "raw" : "udp", s.collectorAdmin(i))
                + DemoStores.COLLECTOR_YAML;
    }

    static String translatorYaml(DemoSettings s) {
        String address = s.translatorAddress();
        return """
                # The DTA demo's software translator: written by ./dta demo at every start (docs/demo.md, docs/translator.md).
                # Stores, queue pairs and routes are not here: the controller writes them over P4Runtime.
                translator: {name: %1$s, device-id: 1}
                p4runtime: {address: "%2$s:%3$d"}
                network: {address: %2$s, mac: "%4$s", report-port: %5$d, mode: %6$s}
                admin: {enabled: true, address: "%7$s"}
                """.formatted(DemoSettings.TRANSLATOR, address, s.p4runtimePort(), DemoSettings.macOf(address), s.reportPort(),
                s.mode() == Mode.RAW ? "raw" : "udp", s.translatorAdmin());
    }

    /**
     * The deployment: the collectors (with the admin endpoints they bound), the five stores with the
     * default bucket map (an explicit one for heavy-hitters, to show both), the translator (with the
     * P4Runtime address it bound) and timers generous enough for a laptop under load.
     */
    static String deploymentYaml(DemoSettings s, List<InetSocketAddress> collectorAdmins, InetSocketAddress p4runtime) {
        StringBuilder y = new StringBuilder();
        y.append("""
                # The DTA demo's deployment: written by ./dta demo at every start (docs/demo.md, docs/deployment.md).
                # The controller, the query service and the CLI read it:
                #   ./dta controller check-config %1$s
                #   ./dta query path --deployment %1$s -s paths -k '%2$s'   (reads the store files, also after the demo stopped)
                deployment: {name: demo}
                controller:
                  admin: {enabled: true, address: "%3$s"}
                  rpc-deadline: 10s
                  cm: {timeout: 1s, retries: 4, secret-file: cm.secret}
                  reconnect: {min-backoff: 500ms, max-backoff: 5s}
                  poll-interval: 1s
                collectors:
                """.formatted(DEPLOYMENT, DemoFlows.WEB.key(), s.controllerAdmin()));
        for (int i = 0; i < s.collectors(); i++) {
            y.append("  - {name: %s, index: %d, address: %s, admin: \"%s\", data-dir: %s}\n".formatted(s.collectorName(i), i,
                    s.collectorAddress(i), hostPort(collectorAdmins.get(i)), s.collectorName(i)));
        }
        y.append("""
                stores:
                  # No buckets: bucket b of a key goes to collectors[b mod n] (protocol.md 8).
                  - {name: queue-depth, id: 1, kind: key-write}
                  - {name: flow-bytes, id: 2, kind: key-increment}
                  - {name: paths, id: 3, kind: postcard}
                  # Append: the bucket of list l is l, so lists alternate between the collectors.
                  - {name: drops, id: 4, kind: append, append-batch: %d}
                  # An explicit bucket map: consecutive ranges of buckets, one per collector.
                  - name: heavy-hitters
                    id: 5
                    kind: sketch
                    buckets:
                """.formatted(DemoStores.APPEND_BATCH));
        int n = s.collectors();
        for (int i = 0; i < n; i++) {
            int first = 256 * i / n;
            int last = 256 * (i + 1) / n - 1;
            y.append("      \"%d-%d\": %s\n".formatted(first, last, s.collectorName(i)));
        }
        y.append("""
                translators:
                  - name: %1$s
                    p4runtime: "%2$s"
                    pipeline: software
                    address: %3$s
                    mac: "%4$s"
                    report-port: %5$d
                    # Generous timers for a laptop under load: a liveness probe a second, and postcards and Append
                    # batches held up to 20 ms for their next hop or entry (a demo flow's postcards are sent back
                    # to back; the load's hops of one flow come a few ms apart), so paths are written whole.
                    settings: {ack-interval: 64, flush-interval: 20ms, probe-interval: 1s}
                """.formatted(DemoSettings.TRANSLATOR, hostPort(p4runtime), s.translatorAddress(),
                DemoSettings.macOf(s.translatorAddress()), s.reportPort()));
        return y.toString();
    }

    static String hostPort(InetSocketAddress a) {
        return new HostPort(a.getHostString(), a.getPort()).toString();
    }
}
