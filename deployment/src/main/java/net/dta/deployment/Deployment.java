package net.dta.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole deployment as one file describes it (docs/deployment.md): translators, collectors,
 * stores and their key-to-collector mapping, reporters, and the controller's own settings. Loaded
 * and validated by {@link DeploymentLoader}; every cross reference (a store's collectors, a bucket
 * map, a reporter's translator and stores) has been checked, so lookups by name succeed for every
 * name the file uses.
 *
 * @param source the file it was loaded from (null when parsed from text)
 */
public record Deployment(Path source, String name, ControllerSettings controller, List<TranslatorSpec> translators,
                         List<CollectorSpec> collectors, List<StoreSpec> stores, List<ReporterSpec> reporters) {
    public Deployment {
        translators = List.copyOf(translators);
        collectors = List.copyOf(collectors);
        stores = List.copyOf(stores);
        reporters = List.copyOf(reporters);
    }

    public Optional<TranslatorSpec> translator(String name) {
        return translators.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<CollectorSpec> collector(String name) {
        return collectors.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<CollectorSpec> collectorByIndex(int index) {
        return collectors.stream().filter(c -> c.index() == index).findFirst();
    }

    public Optional<StoreSpec> store(String name) {
        return stores.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<StoreSpec> storeById(int id) {
        return stores.stream().filter(s -> s.id() == id).findFirst();
    }

    public Optional<ReporterSpec> reporter(String name) {
        return reporters.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The collectors of a store, in the order of its {@code collectors} list. */
    public List<CollectorSpec> collectorsOf(StoreSpec store) {
        List<CollectorSpec> out = new ArrayList<>();
        for (String n : store.collectors()) {
            out.add(collector(n).orElseThrow());
        }
        return out;
    }

    /** The stores that have a shard on a collector, in file order. */
    public List<StoreSpec> storesOn(CollectorSpec collector) {
        return stores.stream().filter(s -> s.collectors().contains(collector.name())).toList();
    }

    /** The collectors a translator connects to, in file order. */
    public List<CollectorSpec> collectorsOf(TranslatorSpec translator) {
        List<CollectorSpec> out = new ArrayList<>();
        for (String n : translator.collectors()) {
            out.add(collector(n).orElseThrow());
        }
        return out;
    }

    /** The bucket map of a store (protocol.md 8). */
    public BucketMap bucketMap(StoreSpec store) {
        List<CollectorSpec> byBucket = new ArrayList<>(BucketMap.BUCKETS);
        for (String n : store.buckets()) {
            byBucket.add(collector(n).orElseThrow());
        }
        return new BucketMap(store.id(), byBucket);
    }

    /** Every store's bucket map, by store id. */
    public Map<Integer, BucketMap> bucketMaps() {
        Map<Integer, BucketMap> out = new LinkedHashMap<>();
        for (StoreSpec s : stores) {
            out.put(s.id(), bucketMap(s));
        }
        return out;
    }

    /** The collector holding a key of a Key-Write, Key-Increment or Postcard store. */
    public CollectorSpec collectorForKey(StoreSpec store, byte[] key) {
        return bucketMap(store).collectorForKey(key);
    }

    /** The collector holding a list of an Append store. */
    public CollectorSpec collectorForList(StoreSpec store, long list) {
        return bucketMap(store).collectorForList(list);
    }

    /** The collector holding a counter column of a Sketch store. */
    public CollectorSpec collectorForColumn(StoreSpec store, long column) {
        return bucketMap(store).collectorForColumn(column);
    }
}
