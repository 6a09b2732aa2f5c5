package net.dta.query.source;

import java.util.List;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;

/**
 * One collector as the query service reads it: its store files mapped in this process
 * ({@link LocalCollector}, read-only files or a collector running in the same JVM), or the query
 * service of the collector's host ({@link RemoteCollector}). Every read names the store's
 * definition (the service has already checked the store's kind and the arguments) and answers from
 * this collector only.
 *
 * <p>Failures are {@link net.dta.query.QueryException}s: {@code collector_unavailable} when the
 * collector cannot be read.
 */
public interface CollectorSource extends AutoCloseable {
    String name();

    /** How the stores are read: {@code in-process}, {@code data-dir PATH}, {@code remote HOST:PORT}. */
    String describe();

    /** The store as this collector holds it, or null when it holds no store of that name (or cannot be read). */
    StoreDefinition definition(String store);

    Answers.KeyWrite keyWrite(StoreDefinition store, byte[] key, int redundancy);

    /** Key-Write get of several keys of this collector's shard, in order. */
    java.util.List<Answers.KeyWrite> keyWriteMany(StoreDefinition store, java.util.List<byte[]> keys, int redundancy);

    /** Every row's counter of the key on this collector. */
    Answers.Counter counters(StoreDefinition store, byte[] key);

    Answers.Path path(StoreDefinition store, byte[] key);

    /** From a position (null: the oldest entry still in the ring). */
    Answers.Append append(StoreDefinition store, int list, Long from, int max);

    /** The list's current tail: the position the next appended entry will take. */
    long appendTail(StoreDefinition store, int list);

    /**
     * Health and store shards as they are now, without rates ({@link net.dta.query.status.StatusTracker}
     * computes those from successive snapshots). Never throws: an unreadable collector is reported
     * as not reachable.
     */
    Snapshot snapshot(List<StoreDefinition> stores);

    /** Queries answered from this collector's shard of a store, since start. */
    long queries(String store);

    /** Store files this collector found but refused (corrupt, wrong format), each with the reason. */
    default List<String> refusedStoreFiles() {
        return List.of();
    }

    @Override
    void close();

    /** What {@link #snapshot} returns. */
    record Snapshot(StatusReport.CollectorHealth health, List<StatusReport.StoreStatus> stores) {
        public Snapshot {
            stores = List.copyOf(stores);
        }
    }
}
