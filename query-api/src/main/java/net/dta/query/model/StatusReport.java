package net.dta.query.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A status snapshot of the query service's collectors and store shards (the {@code Status}
 * operation). Rates are over the interval since the previous snapshot.
 */
public record StatusReport(long takenAtMillis, List<CollectorHealth> collectors, List<StoreStatus> stores,
                           List<PrimitiveIngest> ingest) {
    public StatusReport {
        collectors = List.copyOf(collectors);
        stores = List.copyOf(stores);
        ingest = List.copyOf(ingest);
    }

    /**
     * @param source how the stores are read: {@code in-process}, {@code data-dir PATH}, {@code remote HOST:PORT}
     * @param statusSource where ingest counters come from: {@code in-process}, {@code admin HOST:PORT}, {@code remote HOST:PORT}, {@code none}
     */
    public record CollectorHealth(String name, String source, String statusSource, boolean reachable, String error, String bootId,
                                  long uptimeMillis, long packetsReceived, long bytesReceived, long icrcFailures, long drops,
                                  double packetsPerSecond, List<QueuePairHealth> queuePairs) {
        public CollectorHealth {
            queuePairs = List.copyOf(queuePairs);
        }

        /** A collector whose status is unknown (no status source, or it failed): no counters. */
        public static CollectorHealth unknown(String name, String source, String statusSource, boolean reachable, String error) {
            return new CollectorHealth(name, source, statusSource, reachable, error, "", 0, 0, 0, 0, 0, 0, List.of());
        }
    }

    /**
     * @param id the collector's name for the queue pair ({@code qp-} and 8 hex digits, e.g. {@code qp-1a2b3c4d}): QPNs and PSNs are not part of the query
     *           service's status, which anyone allowed to query may read (docs/security.md, "What status shows")
     */
    public record QueuePairHealth(String id, String remote, String state, boolean up, long packets,
                                  long writes, long atomics, long reads, long acks, long psnGaps, long duplicates, long naks, long drops,
                                  double packetsPerSecond) {
    }

    /**
     * One shard of a store on one collector.
     *
     * @param estimatedKeyWrites key-write only (else null): k = -(S/N) ln(1 - fill)
     * @param keyWriteSuccessProbability key-write only (else null): 1 - (1 - e^(-Nk/S))^N = 1 - fill^N
     */
    public record StoreStatus(String name, int id, String kind, String collector, long capacity, long occupied, double fill,
                              long examined, Double estimatedKeyWrites, Double keyWriteSuccessProbability, boolean ingestKnown,
                              long writes, long writeBytes, long atomics, long reads, long accessErrors, double writesPerSecond,
                              double atomicsPerSecond, double bytesPerSecond, long queries) {
    }

    /** RDMA WRITEs plus FETCH_ADDs into the stores of one kind, over all collectors. */
    public record PrimitiveIngest(String kind, long operations, double operationsPerSecond, long bytes, double bytesPerSecond) {
    }

    /** Ingest per primitive, summed over the given store rows (all five kinds, zero when absent). */
    public static List<PrimitiveIngest> ingestOf(List<StoreStatus> stores) {
        Map<String, double[]> byKind = new LinkedHashMap<>();
        for (String kind : List.of("key-write", "key-increment", "postcard", "append", "sketch")) {
            byKind.put(kind, new double[4]);
        }
        for (StoreStatus s : stores) {
            double[] k = byKind.computeIfAbsent(s.kind(), x -> new double[4]);
            k[0] += s.writes() + s.atomics();
            k[1] += s.writesPerSecond() + s.atomicsPerSecond();
            k[2] += s.writeBytes() + 8.0 * s.atomics();
            k[3] += s.bytesPerSecond();
        }
        List<PrimitiveIngest> ingest = new ArrayList<>();
        byKind.forEach((kind, k) -> ingest.add(new PrimitiveIngest(kind, (long) k[0], k[1], (long) k[2], k[3])));
        return ingest;
    }
}
