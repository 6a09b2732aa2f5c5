package net.dta.deployment;

import java.util.List;
import net.dta.protocol.layout.StoreKind;

/**
 * One store of the deployment (docs/deployment.md, {@code stores[]}). Its layout is the collectors'
 * business (their configuration files); the controller learns it from their catalogs and checks
 * that all shards agree.
 *
 * @param kind the expected kind, or null when the file does not say (the catalogs then decide)
 * @param collectors names of the collectors holding a shard, in bucket-map order
 * @param buckets the bucket map: 256 collector names, one per bucket
 * @param explicitBuckets true when the file gave the map, false for the default {@code bucket mod n}
 * @param appendBatch entries per RDMA WRITE for an Append store (1, 2, 4, 8, 16)
 * @param tailBase first tail register of an Append store, or null for automatic allocation
 */
public record StoreSpec(String name, int id, StoreKind kind, List<String> collectors, List<String> buckets,
                        boolean explicitBuckets, int appendBatch, Integer tailBase) {
    public StoreSpec {
        collectors = List.copyOf(collectors);
        buckets = List.copyOf(buckets);
        if (buckets.size() != BucketMap.BUCKETS) {
            throw new IllegalArgumentException("a bucket map has " + BucketMap.BUCKETS + " entries, got " + buckets.size());
        }
    }

    /** "store queue-depth (id 1)". */
    public String describe() {
        return "store " + name + " (id " + id + ")";
    }
}
