package net.dta.deployment;

import java.util.Arrays;
import java.util.List;
import net.dta.protocol.hash.DtaHash;

/**
 * The key-to-collector mapping of one store (protocol.md section 8): 256 buckets, each naming
 * the collector that holds the bucket's keys. The controller writes it into translators
 * ({@code Ingress.dta_collector_select}); the query service routes reads with the same object, so
 * the two cannot disagree.
 *
 * <pre>
 * Key-Write, Key-Increment, Postcard  bucket = bucket(key) = H(3, key) &amp; 0xFF
 * Append                              bucket = list &amp; 0xFF
 * Sketch-Merge                        bucket = (column &gt;&gt; 4) &amp; 0xFF
 * </pre>
 *
 * <p>Immutable and thread-safe (key hashing uses a per-thread {@link DtaHash}).
 */
public final class BucketMap {
    public static final int BUCKETS = 256;
    private static final ThreadLocal<DtaHash> HASH = ThreadLocal.withInitial(DtaHash::new);

    private final int storeId;
    private final CollectorSpec[] byBucket;

    public BucketMap(int storeId, List<CollectorSpec> byBucket) {
        if (byBucket.size() != BUCKETS) {
            throw new IllegalArgumentException("a bucket map has 256 entries, got " + byBucket.size());
        }
        this.storeId = storeId;
        this.byBucket = byBucket.toArray(new CollectorSpec[0]);
    }

    /** The default map: bucket b goes to {@code collectors[b mod n]} (protocol.md 8). */
    public static BucketMap spread(int storeId, List<CollectorSpec> collectors) {
        if (collectors.isEmpty()) {
            throw new IllegalArgumentException("a store needs at least one collector");
        }
        CollectorSpec[] m = new CollectorSpec[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
            m[b] = collectors.get(b % collectors.size());
        }
        return new BucketMap(storeId, Arrays.asList(m));
    }

    public int storeId() {
        return storeId;
    }

    /** The collector of a bucket (0..255). */
    public CollectorSpec collector(int bucket) {
        return byBucket[bucket & 0xFF];
    }

    /** The collector index of a bucket, as written into {@code dta_collector_select}. */
    public int collectorIndex(int bucket) {
        return byBucket[bucket & 0xFF].index();
    }

    /** Bucket of a 16-byte key (Key-Write, Key-Increment, Postcard). */
    public static int bucketOfKey(byte[] key) {
        return HASH.get().bucket(key);
    }

    /** Bucket of an Append list. */
    public static int bucketOfList(long list) {
        return (int) (list & 0xFF);
    }

    /** Bucket of a Sketch-Merge counter column. */
    public static int bucketOfColumn(long column) {
        return (int) ((column >>> 4) & 0xFF);
    }

    public CollectorSpec collectorForKey(byte[] key) {
        return collector(bucketOfKey(key));
    }

    public CollectorSpec collectorForList(long list) {
        return collector(bucketOfList(list));
    }

    public CollectorSpec collectorForColumn(long column) {
        return collector(bucketOfColumn(column));
    }

    /** The distinct collectors of this map, in order of first bucket. */
    public List<CollectorSpec> collectors() {
        return Arrays.stream(byBucket).distinct().toList();
    }

    /** Number of buckets each collector holds, for status and docs. */
    public int bucketsOf(CollectorSpec c) {
        int n = 0;
        for (CollectorSpec x : byBucket) {
            if (x.equals(c)) {
                n++;
            }
        }
        return n;
    }
}
