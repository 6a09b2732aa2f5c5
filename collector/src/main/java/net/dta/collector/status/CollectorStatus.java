package net.dta.collector.status;

import java.util.List;
import java.util.Map;

import net.dta.common.status.Secret;

/**
 * Everything {@code /status} shows, one record per component. {@code /metrics} is derived from the
 * same record ({@link CollectorMetrics}), so the two cannot disagree. Serialised as JSON with
 * snake_case names ({@link net.dta.common.status.StatusJson}).
 */
public record CollectorStatus(String collector, String bootId, long startedAtMillis, long uptimeMillis, String dataDir,
                              Ingest ingest, CatalogInfo catalog, Connections connections, Endpoint endpoint,
                              List<QueuePair> queuePairs, List<Store> stores, Persistence persistence, Admin admin,
                              List<Requester> requesters) {

    /**
     * Per requester (translator address): the totals of every queue pair it had, the closed and
     * replaced ones included, so that counters survive a queue pair's replacement (issue 13 item 2).
     */
    public record Requester(String remote, long queuePairs, long packets, long bytes, long writes, long atomics, long reads,
                            long acks, long psnGaps, long duplicates, Map<String, Long> naks, Map<String, Long> drops) {
    }

    /** How packets arrive: the backend, its description, and whether ICRCs are verified. */
    /**
     * @param threads          the software responder's data-plane threads (0 with a NIC)
     * @param packetsPerThread packets each of them received, by thread index (is the load spread?)
     */
    public record Ingest(String mode, String backend, String description, boolean icrcVerified, String address,
                         int rocePort, int cmPort, int pathMtu, boolean errorOnNak, int threads,
                         List<Long> packetsPerThread) {
    }

    /** What a REP advertises. */
    public record CatalogInfo(long generation, int storeCount, @Secret String va, @Secret String rkey, int length) {
    }

    public record Connections(long requests, long established, long closed, long plainClients) {
    }

    /**
     * Endpoint totals; {@code unknownQps} is the {@code unknown_qp} drop reason, shown on its own;
     * {@code failure}: why the responder's thread stopped, null while it runs.
     */
    public record Endpoint(long packetsReceived, long bytesReceived, long packetsSent, long icrcFailures, long unknownQps,
                           Map<String, Long> drops, String failure) {
    }

    /**
     * @param id names the queue pair where its QPN may not be shown ({@link net.dta.common.status.OpaqueIds});
     *           the QPNs and the expected PSN are left out of a status served without client authentication
     */
    public record QueuePair(String id, @Secret Integer qpn, String remote, @Secret Integer remoteQpn, String state,
                            @Secret Integer expectedPsn, long packets, long bytes,
                            long writes, long atomics, long reads, long acks, long psnGaps, long duplicates,
                            Map<String, Long> naks, Map<String, Long> drops, long establishedAtMillis) {
    }

    /** A store: definition, file, registration and what the network did to it (RegionCounters). */
    public record Store(String name, int id, String kind, String layout, String file, long bytes, long fileBytes,
                        boolean created, @Secret String va, @Secret List<String> rkeys, long writes, long writeBytes, long atomics,
                        long reads, long readBytes, long accessErrors) {
    }

    public record Persistence(String stateFile, boolean recoveredAfterCrash, boolean restoreOnRestart,
                              int queuePairsRestored, long saves, long saveFailures, long lastSaveMillis, int lastSavedQueuePairs) {
    }

    public record Admin(String address) {
    }
}
