package net.dta.query.route;

import java.util.List;

import net.dta.protocol.layout.StoreDefinition;

/**
 * Where a query goes: which stores exist, which collectors hold their shards, and which collector
 * holds the shard a key (or list, or sketch column) belongs to. The multi-collector form wraps the
 * deployment's bucket maps (protocol.md section 8, the {@code deployment} module); the query
 * service itself never computes a bucket.
 */
public interface Placement {
    /** A store and its collectors, in deployment order. */
    record PlacedStore(StoreDefinition definition, List<String> collectors) {
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

    /** How the placement was obtained, for logs and status ("deployment FILE", "data directory DIR"). */
    String describe();
}
