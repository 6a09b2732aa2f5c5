package net.dta.query.route;

import java.util.List;

import net.dta.protocol.layout.StoreKind;

/**
 * Where a query goes: which stores exist, which collectors hold their shards, and which collector
 * holds the shard a key (or list, or sketch column) belongs to. {@link DeploymentPlacement} wraps
 * the deployment file's bucket maps (protocol.md section 8, the {@code deployment} module's
 * {@code BucketMap}); the query service itself never computes a bucket. Store layouts are not part
 * of a placement: the service reads them from the collectors' store files (or their query
 * services), as the controller reads them from the collectors' catalogs.
 */
public interface Placement {
    /**
     * A store and its collectors, in deployment order.
     *
     * @param kind the kind the deployment expects, or null when it does not say
     */
    record PlacedStore(String name, int id, StoreKind kind, List<String> collectors) {
        public PlacedStore {
            collectors = List.copyOf(collectors);
        }
    }

    /** Every store, in deployment (or data-directory) order. */
    List<PlacedStore> stores();

    /** Key-Write, Key-Increment, Postcard: the collector of the key's bucket, or null when the bucket maps to none. */
    String collectorForKey(String store, byte[] key);

    /** Append: the collector of the list's bucket, or null. */
    String collectorForList(String store, int list);

    /** Sketch: the collector of the column's bucket, or null. */
    String collectorForColumn(String store, long column);

    /** How the placement was obtained, for logs and messages ("deployment FILE", "data directory DIR"). */
    String describe();
}
