package net.dta.collector.config;

import java.net.Inet4Address;
import java.nio.file.Path;

import net.dta.common.admin.ControllerLink;
import net.dta.common.security.ServerSecurity;
import java.time.Duration;
import java.util.List;

import net.dta.protocol.layout.StoreDefinition;

/**
 * A validated collector configuration (docs/collector.md documents every field and default).
 * Instances only come out of {@link ConfigLoader}, after every check passed: nothing downstream
 * re-validates.
 *
 * @param source the file it was read from (for messages)
 * @param dataDir absolute; relative paths in the file are resolved against the file's directory
 * @param controller where to announce a start (null: not announced; the controller's polling finds it)
 */
public record CollectorConfig(Path source, String name, Network network, Path dataDir, Admin admin,
                              QueuePairs queuePairs, List<StoreConfig> stores, Cm cm, ControllerLink controller) {
    public static final int DEFAULT_ROCE_PORT = 4791;
    public static final int DEFAULT_CM_PORT = 40041;
    public static final int DEFAULT_ADMIN_PORT = 40042;
    public static final int DEFAULT_PATH_MTU = 1024;

    public CollectorConfig {
        stores = List.copyOf(stores);
    }

    public List<StoreDefinition> definitions() {
        return stores.stream().map(StoreConfig::definition).toList();
    }

    /**
     * Where the collector receives RoCEv2.
     *
     * @param countersLittleEndian the byte order the NIC uses for FETCH_ADD (protocol.md 4.4);
     *                             false (big-endian) for the software responder and NVIDIA NICs
     * @param pathMtu the path MTU the collector expects; queue pairs use the MTU of their REQ
     *                (protocol.md 7.3), and a REQ for a larger one is logged
     * @param threads the software responder's data-plane threads ({@code network.threads}; default: the
     *                processors): each owns the queue pairs whose QPN mod threads is its index
     */
    public record Network(Inet4Address address, int rocePort, int cmPort, IngestMode ingest, int pathMtu,
                          boolean countersLittleEndian, int threads) {
        /** The default of {@code network.threads}: one per processor (at most 64). */
        public static int defaultThreads() {
            return Math.min(Runtime.getRuntime().availableProcessors(), net.dta.rdma.soft.SoftRoceConfig.MAX_THREADS);
        }
    }

    /** The admin HTTP endpoint ({@code /status}, {@code /metrics}); port 0 picks a free port. */
    public record Admin(boolean enabled, String host, int port, ServerSecurity security) {
        public Admin(boolean enabled, String host, int port) {
            this(enabled, host, port, ServerSecurity.NONE);
        }

        public String address() {
            return host + ":" + port;
        }
    }

    /**
     * @param errorOnNak a remote access error puts the queue pair in ERROR (as a NIC does); false keeps it up
     * @param restoreOnRestart re-create persisted queue pairs at start (software backend only)
     * @param persistInterval how often queue-pair states are saved while running
     */
    public record QueuePairs(boolean errorOnNak, boolean restoreOnRestart, Duration persistInterval) {
    }

    /**
     * RDMA CM authentication and limits (protocol.md 7.3, docs/security.md).
     *
     * @param secretFile the deployment's CM secret file ({@code cm.secret-file})
     * @param policy     the secret read from it, the replay window and the limits
     */
    public record Cm(Path secretFile, net.dta.rdma.cm.CmPolicy policy) {
    }

    /** A store and where it was defined in the file (for later messages). */
    public record StoreConfig(StoreDefinition definition, int line, int column) {
        public String name() {
            return definition.name();
        }
    }
}
