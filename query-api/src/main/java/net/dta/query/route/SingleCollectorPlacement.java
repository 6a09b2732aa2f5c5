package net.dta.query.route;

import java.util.List;

import net.dta.protocol.layout.StoreDefinition;

/**
 * No deployment: one collector holds every store (a query service started on one data directory,
 * or the query service of one collector's host answering forwarded queries).
 */
public final class SingleCollectorPlacement implements Placement {
    private final String collector;
    private final List<PlacedStore> stores;
    private final String description;

    public SingleCollectorPlacement(String collector, List<StoreDefinition> definitions, String description) {
        this.collector = collector;
        this.stores = definitions.stream().map(d -> new PlacedStore(d.name(), d.storeId(), d.kind(), List.of(collector))).toList();
        this.description = description;
    }

    @Override
    public List<PlacedStore> stores() {
        return stores;
    }

    @Override
    public String collectorForKey(String store, byte[] key) {
        return collector;
    }

    @Override
    public String collectorForList(String store, int list) {
        return collector;
    }

    @Override
    public String collectorForColumn(String store, long column) {
        return collector;
    }

    @Override
    public String describe() {
        return description;
    }
}
