package net.dta.translator.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.agrona.collections.Int2ObjectHashMap;

import net.dta.p4.TranslatorP4Names;
import net.dta.rdma.wire.RoceRoute;
import p4.v1.P4RuntimeOuterClass.TableEntry;

/**
 * An immutable snapshot of every table of the pipeline: the entries as the controller wrote them
 * (for Read) and the lookup structures the data plane uses (arrays indexed by store id and
 * collector, an int map for regions, resolved queue-pair routes). A write builds a new snapshot
 * and publishes it whole, so the data plane never sees half a batch of updates.
 */
public final class Tables {
    public static final int STORE_IDS = 65536;
    public static final int COLLECTORS = TranslatorP4Names.MAX_COLLECTORS;
    /** The network port of the software translator (translator-control.md 3). */
    public static final int NETWORK_PORT = TranslatorP4Names.NETWORK_PORT;

    private final Schema schema;
    private final int fixedSourcePort;
    private final Map<Integer, Map<Key, Row>> rows;
    private final TableEntry settingsEntry;

    // Lookup structures (derived).
    private final StoreConfig[] stores;
    private final short[][] buckets;
    private final QueuePairEntry[] queuePairs;
    private final int[] collectors;
    /** Never written after it is built (a write builds a new snapshot): read from the data-plane thread without locks. */
    private final Int2ObjectHashMap<RegionEntry> regions;
    private final int[] localAddresses;
    private final Route[] routes;
    private final Settings settings;

    private Tables(Schema schema, int fixedSourcePort, Map<Integer, Map<Key, Row>> rows, TableEntry settingsEntry,
                   Settings settings, Tables previous, Set<Integer> changed) {
        this.schema = schema;
        this.fixedSourcePort = fixedSourcePort;
        this.rows = rows;
        this.settingsEntry = settingsEntry;
        this.settings = settings;
        boolean all = previous == null;
        this.stores = all || changed.contains(schema.tStores) ? buildStores() : previous.stores;
        this.buckets = all || changed.contains(schema.tCollectorSelect) ? buildBuckets() : previous.buckets;
        this.regions = all || changed.contains(schema.tRegions) ? buildRegions() : previous.regions;
        this.localAddresses = all || changed.contains(schema.tLocalAddresses) ? buildLocal() : previous.localAddresses;
        this.routes = all || changed.contains(schema.tRoutes) ? buildRoutes() : previous.routes;
        if (all || changed.contains(schema.tQueuePairs) || changed.contains(schema.tRoutes)) {
            this.queuePairs = buildQueuePairs();
        } else {
            this.queuePairs = previous.queuePairs;
        }
        List<Integer> cs = new ArrayList<>();
        for (int c = 0; c < COLLECTORS; c++) {
            if (queuePairs[c] != null) {
                cs.add(c);
            }
        }
        this.collectors = cs.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The empty pipeline.
     *
     * @param fixedSourcePort the UDP source port every request leaves with (a UDP-mode socket's
     *                        bound port), or -1 for the per-queue-pair port of protocol.md 5.1
     */
    public static Tables empty(Schema schema, int fixedSourcePort) {
        Map<Integer, Map<Key, Row>> rows = new HashMap<>();
        return new Tables(schema, fixedSourcePort, rows, null, Settings.DEFAULT, null, Set.of());
    }

    public Schema schema() {
        return schema;
    }

    // ---- data plane lookups ----

    /** The store with this id, or null (drop reason unknown_store). */
    public StoreConfig store(int storeId) {
        return stores[storeId & 0xFFFF];
    }

    /** The collector of a bucket of a store, or -1 (drop reason no_collector). */
    public int collector(int storeId, int bucket) {
        short[] map = buckets[storeId & 0xFFFF];
        return map == null ? -1 : map[bucket & 0xFF];
    }

    /** The queue pair entry of a collector, or null (queue pair down). */
    public QueuePairEntry queuePair(int collector) {
        return queuePairs[collector & 0xFF];
    }

    /** The collectors that have a queue pair entry. */
    public int[] collectorsWithQueuePairs() {
        return collectors;
    }

    /** The region of a store's segment on a collector, or null (drop reason no_region). */
    public RegionEntry region(int collector, int storeId, int segment) {
        return regions.get(regionKey(collector, storeId, segment));
    }

    public boolean isLocal(int address) {
        for (int a : localAddresses) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** The longest-prefix match of {@code ipv4_routes}, or the default (drop). */
    public Route route(int address) {
        for (Route r : routes) {
            if (r.matches(address)) {
                return r;
            }
        }
        return Route.DEFAULT;
    }

    public Settings settings() {
        return settings;
    }

    // ---- control plane view ----

    /** The entries of a table in insertion order (empty for an unknown id). */
    public Collection<Row> rows(int tableId) {
        Map<Key, Row> m = rows.get(tableId);
        return m == null ? List.of() : m.values();
    }

    public Row row(int tableId, Key key) {
        Map<Key, Row> m = rows.get(tableId);
        return m == null ? null : m.get(key);
    }

    public int size(int tableId) {
        Map<Key, Row> m = rows.get(tableId);
        return m == null ? 0 : m.size();
    }

    /** The default entry of {@code dta_settings} as last written, or null while it has its initial value. */
    public TableEntry settingsEntry() {
        return settingsEntry;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    static int regionKey(int collector, int storeId, int segment) {
        return ((collector & 0xFF) << 24) | ((storeId & 0xFFFF) << 8) | (segment & 0xFF);
    }

    // ---- derivation ----

    private StoreConfig[] buildStores() {
        StoreConfig[] out = new StoreConfig[STORE_IDS];
        for (Row r : rows(schema.tStores)) {
            int id = (int) r.key().f0();
            int a = r.actionId();
            StoreConfig s;
            if (a == schema.aKeyWrite) {
                s = StoreConfig.keyWrite(id, (int) r.param(0), (int) r.param(1), (int) r.param(2));
            } else if (a == schema.aKeyIncrement) {
                s = StoreConfig.keyIncrement(id, (int) r.param(0), (int) r.param(1));
            } else if (a == schema.aPostcard) {
                s = StoreConfig.postcard(id, (int) r.param(0), (int) r.param(1));
            } else if (a == schema.aAppend) {
                s = StoreConfig.append(id, r.param(0), (int) r.param(1), (int) r.param(2), (int) r.param(3));
            } else if (a == schema.aSketch) {
                s = StoreConfig.sketch(id, (int) r.param(0), (int) r.param(1));
            } else {
                continue;
            }
            out[id] = s;
        }
        return out;
    }

    private short[][] buildBuckets() {
        short[][] out = new short[STORE_IDS][];
        for (Row r : rows(schema.tCollectorSelect)) {
            int store = (int) r.key().f0();
            int bucket = (int) r.key().f1();
            if (out[store] == null) {
                out[store] = new short[256];
                java.util.Arrays.fill(out[store], (short) -1);
            }
            out[store][bucket] = r.actionId() == schema.aSetCollector ? (short) r.param(0) : -1;
        }
        return out;
    }

    private Int2ObjectHashMap<RegionEntry> buildRegions() {
        Int2ObjectHashMap<RegionEntry> m = new Int2ObjectHashMap<>();
        for (Row r : rows(schema.tRegions)) {
            if (r.actionId() == schema.aSetRegion) {
                m.put(regionKey((int) r.key().f0(), (int) r.key().f1(), (int) r.key().f2()),
                        new RegionEntry(r.param(0), (int) r.param(1)));
            }
        }
        return m;
    }

    private int[] buildLocal() {
        return rows(schema.tLocalAddresses).stream().filter(r -> r.actionId() == schema.aLocalAddress)
                .mapToInt(r -> (int) r.key().f0()).toArray();
    }

    private Route[] buildRoutes() {
        List<Route> out = new ArrayList<>();
        for (Row r : rows(schema.tRoutes)) {
            int prefix = (int) r.key().f0();
            int len = Math.max(0, r.key().prefixLength());
            if (r.actionId() == schema.aForward) {
                int port = (int) r.param(0);
                out.add(new Route(prefix, len, port == NETWORK_PORT ? RouteAction.FORWARD : RouteAction.NO_SUCH_PORT, port,
                        r.param(1), r.param(2)));
            } else if (r.actionId() == schema.aSendToCpu) {
                out.add(new Route(prefix, len, RouteAction.TO_CPU, 0, 0, 0));
            } else {
                out.add(new Route(prefix, len, RouteAction.DROP, 0, 0, 0));
            }
        }
        out.sort(Comparator.comparingInt(Route::prefixLength).reversed());
        return out.toArray(new Route[0]);
    }

    private QueuePairEntry[] buildQueuePairs() {
        QueuePairEntry[] out = new QueuePairEntry[COLLECTORS];
        for (Row r : rows(schema.tQueuePairs)) {
            if (r.actionId() != schema.aSetQueuePair) {
                continue;
            }
            int c = (int) r.key().f0();
            int collectorIp = (int) r.param(0);
            int translatorIp = (int) r.param(1);
            Route route = route(collectorIp);
            int qpn = TranslatorP4Names.BASE_QPN + c;
            int port = fixedSourcePort >= 0 ? fixedSourcePort : RoceRoute.sourcePortOf(qpn);
            RoceRoute rr = new RoceRoute(route.sourceMac(), route.destinationMac(), translatorIp, collectorIp, port);
            out[c] = new QueuePairEntry(c, collectorIp, translatorIp, (int) r.param(2), rr, route.action());
        }
        return out;
    }

    /** Accumulates updates on a copy; {@link #build} makes the next snapshot. Not thread-safe. */
    public static final class Builder {
        private final Tables base;
        private final Map<Integer, Map<Key, Row>> rows = new HashMap<>();
        private final Set<Integer> changed = new HashSet<>();
        private TableEntry settingsEntry;
        private Settings settings;

        private Builder(Tables base) {
            this.base = base;
            this.rows.putAll(base.rows);
            this.settingsEntry = base.settingsEntry;
            this.settings = base.settings;
        }

        private Map<Key, Row> mutable(int tableId) {
            if (changed.add(tableId)) {
                rows.put(tableId, new LinkedHashMap<>(rows.getOrDefault(tableId, Map.of())));
            }
            return rows.get(tableId);
        }

        public Row get(int tableId, Key key) {
            Map<Key, Row> m = rows.get(tableId);
            return m == null ? null : m.get(key);
        }

        public int size(int tableId) {
            Map<Key, Row> m = rows.get(tableId);
            return m == null ? 0 : m.size();
        }

        public Collection<Row> rows(int tableId) {
            Map<Key, Row> m = rows.get(tableId);
            return m == null ? List.of() : m.values();
        }

        public Builder put(Row row) {
            mutable(row.tableId()).put(row.key(), row);
            return this;
        }

        public Builder remove(int tableId, Key key) {
            mutable(tableId).remove(key);
            return this;
        }

        public Builder settings(Settings value, TableEntry entry) {
            this.settings = value;
            this.settingsEntry = entry;
            return this;
        }

        public Settings settings() {
            return settings;
        }

        public Tables build() {
            return new Tables(base.schema, base.fixedSourcePort, rows, settingsEntry, settings, base, changed);
        }
    }
}
