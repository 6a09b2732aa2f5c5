package net.dta.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import net.dta.collector.store.Layouts;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.store.AppendStore;
import net.dta.query.QueryException.Reason;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;
import net.dta.query.route.Placement;
import net.dta.query.source.CollectorSource;
import net.dta.query.status.QueryMetrics;
import net.dta.query.status.StatusTracker;

/**
 * The query operations, independent of any transport: the gRPC service, the HTTP API, the CLI's
 * {@code --data-dir} mode and an embedding program (the demo) all call these methods. Each query
 * is checked (store exists, has the right kind, arguments in range), routed to the one collector
 * holding the key's shard by the {@link Placement} (or to the collector a forwarding service
 * named), and read there.
 *
 * <pre>{@code
 * try (QueryService service = QueryService.builder()
 *         .placement(placement)                                   // stores and bucket maps
 *         .source(LocalCollector.inProcess("c1", collector.stores(), StatusSource.inProcess(collector::status)))
 *         .build()) {
 *     Answers.Path path = service.path("paths", "10.0.0.1:8080->10.0.0.2:80/tcp", "");
 * }
 * }</pre>
 *
 * Thread-safe. Closing it closes the sources (a data directory's mappings, remote channels) and
 * the status tracker.
 */
public final class QueryService implements Queries, AutoCloseable {
    public static final int DEFAULT_APPEND_MAX = 100;
    public static final int MAX_APPEND = 10_000;
    private static final ThreadLocal<DtaHash> HASH = ThreadLocal.withInitial(DtaHash::new);

    private final Placement placement;
    private final Map<String, Placement.PlacedStore> stores = new LinkedHashMap<>();
    private final Map<String, CollectorSource> sources = new LinkedHashMap<>();
    private final Map<String, StoreDefinition> definitions = new java.util.concurrent.ConcurrentHashMap<>();
    private final QueryMetrics metrics;
    private final StatusTracker tracker;

    private QueryService(Builder b) {
        this.placement = b.placement;
        for (Placement.PlacedStore s : placement.stores()) {
            stores.put(s.name(), s);
        }
        for (CollectorSource s : b.sources) {
            if (sources.put(s.name(), s) != null) {
                throw new IllegalArgumentException("two sources for collector " + s.name());
            }
        }
        for (Placement.PlacedStore s : stores.values()) {
            for (String c : s.collectors()) {
                if (!sources.containsKey(c)) {
                    throw new IllegalArgumentException("store " + s.name() + " is placed on collector " + c
                            + ", which this query service cannot read: give it a data directory, an in-process collector or a "
                            + "remote query endpoint (the collectors it can read: " + String.join(", ", sources.keySet()) + ")");
                }
            }
        }
        this.metrics = b.metrics == null ? new QueryMetrics() : b.metrics;
        this.tracker = new StatusTracker(this::statusTargets, metrics, b.statusRefresh);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a service; {@link #build} checks that every collector the placement names has a source. */
    public static final class Builder {
        private Placement placement;
        private final List<CollectorSource> sources = new ArrayList<>();
        private Duration statusRefresh = Duration.ofSeconds(1);
        private QueryMetrics metrics;

        public Builder placement(Placement placement) {
            this.placement = placement;
            return this;
        }

        /** A collector this service reads; the service closes it. */
        public Builder source(CollectorSource source) {
            sources.add(source);
            return this;
        }

        /** How often collector status (ingest counters, fill) is refreshed; default 1 s. */
        public Builder statusRefresh(Duration interval) {
            this.statusRefresh = interval;
            return this;
        }

        public Builder metrics(QueryMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public QueryService build() {
            if (placement == null) {
                throw new IllegalArgumentException("a query service needs a placement (a deployment, or one collector's stores)");
            }
            return new QueryService(this);
        }
    }

    public QueryMetrics metrics() {
        return metrics;
    }

    public Placement placement() {
        return placement;
    }

    /** The collectors this service reads, by name. */
    public Map<String, CollectorSource> sources() {
        return java.util.Collections.unmodifiableMap(sources);
    }

    // ---- operations

    @Override
    public Answers.KeyWrite keyWrite(String store, String key, int redundancy, String collector) {
        Resolved s = store(store, "a key-write get", StoreKind.KEY_WRITE);
        byte[] k = key(key);
        int n = redundancy(s, redundancy);
        return route(s, collector, () -> placement.collectorForKey(store, k), () -> "key " + Keys.hex(k)).keyWrite(s.definition(), k, n);
    }

    /** Key-Write get of many keys: each collector's keys are read together; answers in the order of the keys. */
    @Override
    public Answers.KeyWriteMany keyWriteMany(String store, List<String> keys, int redundancy, String collector) {
        Resolved s = store(store, "a key-write get", StoreKind.KEY_WRITE);
        if (keys == null || keys.isEmpty() || keys.size() > MAX_APPEND) {
            throw new QueryException(Reason.BAD_ARGUMENT, "give 1.." + MAX_APPEND + " keys, got " + (keys == null ? 0 : keys.size()));
        }
        int n = redundancy(s, redundancy);
        Map<CollectorSource, List<Integer>> byCollector = new LinkedHashMap<>();
        List<byte[]> parsed = new ArrayList<>(keys.size());
        for (String text : keys) {
            byte[] k = key(text);
            parsed.add(k);
            CollectorSource source = route(s, collector, () -> placement.collectorForKey(store, k), () -> "key " + Keys.hex(k));
            byCollector.computeIfAbsent(source, x -> new ArrayList<>()).add(parsed.size() - 1);
        }
        Answers.KeyWrite[] answers = new Answers.KeyWrite[keys.size()];
        for (Map.Entry<CollectorSource, List<Integer>> e : byCollector.entrySet()) {
            List<byte[]> batch = new ArrayList<>(e.getValue().size());
            for (int i : e.getValue()) {
                batch.add(parsed.get(i));
            }
            List<Answers.KeyWrite> got = e.getKey().keyWriteMany(s.definition(), batch, n);
            for (int j = 0; j < got.size(); j++) {
                answers[e.getValue().get(j)] = got.get(j);
            }
        }
        return new Answers.KeyWriteMany(store, List.of(answers));
    }

    private static int redundancy(Resolved s, int redundancy) {
        KeyWriteLayout layout = (KeyWriteLayout) s.definition().layout();
        int n = redundancy == 0 ? layout.defaultRedundancy() : redundancy;
        if (n < 1 || n > DtaHash.MAX_REPLICAS) {
            throw new QueryException(Reason.BAD_ARGUMENT, "redundancy must be 1.." + DtaHash.MAX_REPLICAS + " (0 = the store's default, "
                    + layout.defaultRedundancy() + "), got " + redundancy);
        }
        return n;
    }

    /** Key-Increment or Sketch; a sketch's rows are read from the collectors of the key's columns. */
    @Override
    public Answers.Counter counter(String store, String key, String collector) {
        Resolved s = store(store, "a counter estimate", StoreKind.KEY_INCREMENT, StoreKind.SKETCH);
        byte[] k = key(key);
        if (s.definition().kind() == StoreKind.KEY_INCREMENT || (collector != null && !collector.isEmpty())) {
            return route(s, collector, () -> placement.collectorForKey(store, k), () -> "key " + Keys.hex(k)).counters(s.definition(), k);
        }
        CounterLayout layout = (CounterLayout) s.definition().layout();
        DtaHash hash = HASH.get();
        String[] rowCollector = new String[layout.rows()];
        Map<String, Answers.Counter> byCollector = new LinkedHashMap<>();
        for (int r = 0; r < layout.rows(); r++) {
            long column = hash.index(k, r, layout.log2Columns()) & 0xFFFF_FFFFL;
            int row = r;
            CollectorSource source = route(s, "", () -> placement.collectorForColumn(store, column), () -> "column " + column + " of row " + row);
            rowCollector[r] = source.name();
            if (!byCollector.containsKey(source.name())) {
                byCollector.put(source.name(), source.counters(s.definition(), k));
            }
        }
        List<Answers.RowCounter> rows = new ArrayList<>();
        long min = -1L;
        for (int r = 0; r < layout.rows(); r++) {
            Answers.RowCounter rc = byCollector.get(rowCollector[r]).rows().get(r);
            rows.add(rc);
            if (Long.compareUnsigned(rc.counter(), min) < 0) {
                min = rc.counter();
            }
        }
        return new Answers.Counter(store, s.definition().kind().configName(), Keys.hex(k), min, rows, List.copyOf(byCollector.keySet()));
    }

    @Override
    public Answers.Path path(String store, String key, String collector) {
        Resolved s = store(store, "a flow path", StoreKind.POSTCARD);
        byte[] k = key(key);
        return route(s, collector, () -> placement.collectorForKey(store, k), () -> "flow " + Keys.hex(k)).path(s.definition(), k);
    }

    /** @param from null: the oldest entry still in the ring */
    @Override
    public Answers.Append appendRead(String store, int list, Long from, int max, String collector) {
        Resolved s = appendStore(store, list);
        int m = appendMax(max, DEFAULT_APPEND_MAX, "max");
        if (from != null && (from < 0 || from > AppendStore.MAX_POSITION)) {
            throw new QueryException(Reason.BAD_ARGUMENT, "from must be a position 0.." + AppendStore.MAX_POSITION + ", got " + from);
        }
        return route(s, collector, () -> placement.collectorForList(store, list), () -> "list " + list).append(s.definition(), list, from, m);
    }

    /**
     * The list's tail, the position its next entry will take (where a follower of new entries
     * starts), as an empty read from there.
     */
    @Override
    public Answers.Append appendTail(String store, int list, String collector) {
        Resolved s = appendStore(store, list);
        CollectorSource source = route(s, collector, () -> placement.collectorForList(store, list), () -> "list " + list);
        long tail = source.appendTail(s.definition(), list);
        return new Answers.Append(store, list, source.name(), tail, List.of(), tail, 0);
    }

    /** Checks a max-entries argument: 0 gives the default, else 1..{@link #MAX_APPEND}. */
    public static int appendMax(int max, int defaultMax, String field) {
        if (max == 0) {
            return defaultMax;
        }
        if (max < 0 || max > MAX_APPEND) {
            throw new QueryException(Reason.BAD_ARGUMENT, field + " must be 1.." + MAX_APPEND + " (0 = " + defaultMax + "), got " + max);
        }
        return max;
    }

    private Resolved appendStore(String store, int list) {
        Resolved s = store(store, "an append read", StoreKind.APPEND);
        AppendLayout layout = (AppendLayout) s.definition().layout();
        if (list < 0 || list >= layout.lists()) {
            throw new QueryException(Reason.BAD_ARGUMENT, "list must be 0.." + (layout.lists() - 1) + " for store \"" + store + "\", got "
                    + Integer.toUnsignedString(list));
        }
        return s;
    }

    /** Every store; one whose layout cannot be learned from any of its collectors is listed with the reason. */
    @Override
    public Answers.Stores stores() {
        List<Answers.StoreInfo> out = new ArrayList<>();
        for (Placement.PlacedStore s : stores.values()) {
            try {
                out.add(info(s, resolve(s)));
            } catch (QueryException e) {
                out.add(new Answers.StoreInfo(s.name(), s.id(), s.kind() == null ? "" : s.kind().configName(), "unknown", 0, 0,
                        s.collectors(), new Answers.Layout(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), false, e.getMessage()));
            }
        }
        return new Answers.Stores(out);
    }

    /**
     * @param collector only this collector; empty or null for all
     * @param refresh take a fresh snapshot instead of the latest periodic one
     */
    @Override
    public StatusReport status(String collector, boolean refresh) {
        StatusReport r = refresh ? tracker.refresh() : tracker.latest();
        if (collector == null || collector.isEmpty()) {
            return r;
        }
        source(collector);
        List<StatusReport.StoreStatus> stores = r.stores().stream().filter(s -> s.collector().equals(collector)).toList();
        return new StatusReport(r.takenAtMillis(), r.collectors().stream().filter(c -> c.name().equals(collector)).toList(),
                stores, StatusReport.ingestOf(stores));
    }

    // ---- checks and routing

    /** A placed store with the layout its collectors hold it in. */
    private record Resolved(Placement.PlacedStore placed, StoreDefinition definition) {
        List<String> collectors() {
            return placed.collectors();
        }
    }

    private Resolved store(String name, String operation, StoreKind... kinds) {
        if (name == null || name.isBlank()) {
            throw new QueryException(Reason.BAD_ARGUMENT, "store is required; the stores are: " + storeNames());
        }
        Placement.PlacedStore placed = stores.get(name);
        if (placed == null) {
            throw new QueryException(Reason.UNKNOWN_STORE, "no store named \"" + name + "\"; the stores are: " + storeNames()
                    + refusedFiles());
        }
        StoreKind kind = placed.kind();
        if (kind == null) {
            kind = resolve(placed).kind();
        }
        for (StoreKind k : kinds) {
            if (k == kind) {
                return new Resolved(placed, resolve(placed));
            }
        }
        List<String> wanted = new ArrayList<>();
        for (StoreKind k : kinds) {
            wanted.add(k.configName());
        }
        throw new QueryException(Reason.WRONG_KIND, "store \"" + name + "\" is a " + kind.configName() + " store; " + operation
                + " needs a " + String.join(" or ", wanted) + " store (" + storesOf(kinds) + ")");
    }

    /** Store files the collectors refused: a store missing because its file is corrupt says so. */
    private String refusedFiles() {
        List<String> refused = new ArrayList<>();
        for (CollectorSource source : sources.values()) {
            for (String problem : source.refusedStoreFiles()) {
                refused.add("collector " + source.name() + " refused " + problem);
            }
        }
        return refused.isEmpty() ? "" : "; " + String.join("; ", refused);
    }

    private String storeNames() {
        return stores.isEmpty() ? "(none)" : String.join(", ", stores.keySet());
    }

    private String storesOf(StoreKind... kinds) {
        List<String> names = new ArrayList<>();
        for (Placement.PlacedStore s : stores.values()) {
            StoreDefinition d = definitions.get(s.name());
            StoreKind kind = d != null ? d.kind() : s.kind();
            if (kind != null && List.of(kinds).contains(kind)) {
                names.add(s.name());
            }
        }
        return names.isEmpty() ? "there is none" : "those are: " + String.join(", ", names);
    }

    private static byte[] key(String text) {
        if (text == null || text.isBlank()) {
            throw new QueryException(Reason.BAD_KEY, "key is required: up to 32 hex digits or a 5-tuple like 10.0.0.1:8080->10.0.0.2:80/tcp");
        }
        byte[] hex = hexKey(text); // the common form of scripts and forwarded queries: no pattern matching
        if (hex != null) {
            return hex;
        }
        try {
            return Keys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new QueryException(Reason.BAD_KEY, e.getMessage());
        }
    }

    /**
     * The store's layout, learned from the first of its collectors that holds it (those read in
     * this process first), then kept. A kind or id other than the deployment's is refused.
     */
    private StoreDefinition resolve(Placement.PlacedStore s) {
        StoreDefinition d = definitions.get(s.name());
        if (d != null) {
            return d;
        }
        List<CollectorSource> order = new ArrayList<>();
        for (String c : s.collectors()) {
            CollectorSource source = sources.get(c);
            if (source instanceof net.dta.query.source.LocalCollector) {
                order.add(0, source);
            } else {
                order.add(source);
            }
        }
        for (CollectorSource source : order) {
            d = source.definition(s.name());
            if (d == null) {
                continue;
            }
            if (d.storeId() != s.id() || (s.kind() != null && d.kind() != s.kind())) {
                throw new QueryException(Reason.COLLECTOR_UNAVAILABLE, "collector " + source.name() + " holds store \"" + s.name()
                        + "\" as " + Layouts.describe(d) + ", but " + placement.describe() + " says id " + s.id()
                        + (s.kind() == null ? "" : ", kind " + s.kind().configName()) + ": fix one of them");
            }
            definitions.put(s.name(), d);
            return d;
        }
        throw new QueryException(Reason.COLLECTOR_UNAVAILABLE, "the layout of store \"" + s.name() + "\" is not known yet: none of its "
                + "collectors (" + String.join(", ", s.collectors()) + ") holds a readable store of that name; is the collector running "
                + "and its data directory or query endpoint right?");
    }

    /**
     * Exactly 32 hex digits as a key, in one pass through a digit table (branch-free: digits and
     * letters mixed at random would mispredict a comparison per character); null for any other
     * text. Checking every digit with {@code HexFormat.isHexDigit} and then {@code parseHex} cost
     * about twice as much (docs/performance.md "Queries").
     */
    static byte[] hexKey(String text) {
        if (text.length() != 2 * DtaHash.KEY_BYTES) {
            return null;
        }
        byte[] key = new byte[DtaHash.KEY_BYTES];
        int bad = 0;
        for (int i = 0; i < DtaHash.KEY_BYTES; i++) {
            int high = hexDigit(text.charAt(2 * i));
            int low = hexDigit(text.charAt(2 * i + 1));
            bad |= high | low;
            key[i] = (byte) (high << 4 | low);
        }
        return bad < 0 ? null : key;
    }

    /** 0..15 for 0-9, a-f, A-F; -1 for anything else. */
    private static int hexDigit(char c) {
        return c < HEX_DIGITS.length ? HEX_DIGITS[c] : -1;
    }

    private static final byte[] HEX_DIGITS = hexDigits();

    private static byte[] hexDigits() {
        byte[] digits = new byte[128];
        java.util.Arrays.fill(digits, (byte) -1);
        for (int i = 0; i < 16; i++) {
            digits["0123456789abcdef".charAt(i)] = (byte) i;
            digits["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
        return digits;
    }

    /** @param what names the key, list or column in an error message (built only then: not per query) */
    private CollectorSource route(Resolved s, String collector, Supplier<String> byBucket, Supplier<String> what) {
        String store = s.placed().name();
        if (collector != null && !collector.isEmpty()) {
            CollectorSource source = source(collector);
            if (!s.collectors().contains(collector)) {
                throw new QueryException(Reason.UNKNOWN_COLLECTOR, "collector " + collector + " holds no shard of store \"" + store
                        + "\" (its collectors: " + String.join(", ", s.collectors()) + ")");
            }
            return source;
        }
        String c = byBucket.get();
        if (c == null) {
            throw new QueryException(Reason.NO_COLLECTOR, "the bucket of " + what.get() + " maps to no collector for store \"" + store
                    + "\" in " + placement.describe());
        }
        return source(c);
    }

    private CollectorSource source(String collector) {
        CollectorSource source = sources.get(collector);
        if (source == null) {
            throw new QueryException(Reason.UNKNOWN_COLLECTOR, "this query service has no collector named \"" + collector
                    + "\"; it has: " + String.join(", ", sources.keySet()));
        }
        return source;
    }

    private List<StatusTracker.Target> statusTargets() {
        List<StatusTracker.Target> out = new ArrayList<>();
        for (CollectorSource source : sources.values()) {
            List<StoreDefinition> defs = new ArrayList<>();
            for (Placement.PlacedStore s : stores.values()) {
                if (s.collectors().contains(source.name())) {
                    try {
                        defs.add(resolve(s));
                    } catch (QueryException e) {
                        // not known yet: listed by ListStores with the reason
                    }
                }
            }
            out.add(new StatusTracker.Target(source, defs));
        }
        return out;
    }

    static Answers.StoreInfo info(Placement.PlacedStore s, StoreDefinition d) {
        Answers.Layout l;
        long capacity;
        switch (d.layout()) {
            case KeyWriteLayout k -> {
                l = new Answers.Layout(k.slots(), k.slotBytes(), k.valueBytes(), k.defaultRedundancy(), 0, 0, 0, 0, 0, 0, 0);
                capacity = k.slots();
            }
            case CounterLayout c -> {
                l = new Answers.Layout(0, 0, 0, 0, c.rows(), c.columns(), 0, 0, 0, 0, 0);
                capacity = c.rows() * c.columns();
            }
            case PostcardLayout p -> {
                l = new Answers.Layout(0, 0, 0, 0, 0, 0, p.rows(), p.hops(), p.rowBytes(), 0, 0);
                capacity = p.rows();
            }
            case AppendLayout a -> {
                l = new Answers.Layout(0, 0, 0, 0, 0, 0, 0, 0, 0, a.lists(), a.entries());
                capacity = (long) a.lists() * a.entries();
            }
        }
        return new Answers.StoreInfo(d.name(), d.storeId(), d.kind().configName(), Layouts.describe(d.layout()), capacity,
                d.layout().dataLength(), s.collectors(), l, d.countersLittleEndian(), "");
    }

    @Override
    public void close() {
        tracker.close();
        for (CollectorSource s : sources.values()) {
            s.close();
        }
    }
}
