package net.dta.query.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.collector.status.CollectorStatus;
import net.dta.collector.store.AppendReader;
import net.dta.collector.store.CounterReader;
import net.dta.collector.store.KeyWriteReader;
import net.dta.collector.store.Layouts;
import net.dta.collector.store.OpenStores;
import net.dta.collector.store.PostcardReader;
import net.dta.collector.store.StoreDirectory;
import net.dta.collector.store.StoreFile;
import net.dta.collector.store.StoreReader;
import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.query.QueryException;
import net.dta.query.QueryException.Reason;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;

/**
 * A collector whose store memory this process maps: the files of its data directory, read-only
 * ({@link StoreDirectory}, safe while the collector writes), or the stores of a collector running in
 * this JVM ({@code Collector.stores()}). Reads go straight to the mapped memory through the
 * collector module's readers; nothing is copied or cached.
 *
 * <p>A data directory is re-scanned when a query names a store whose file appeared after the
 * service started (a collector started later, or given a new store). Directories replaced that way
 * stay mapped until {@link #close}, so that a read in flight never touches unmapped memory.
 */
public final class LocalCollector implements CollectorSource {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCollector.class);
    private static final ThreadLocal<DtaHash> HASH = ThreadLocal.withInitial(DtaHash::new);

    private final String name;
    private final String description;
    private final StatusSource status;
    private final Path dataDir;
    private final boolean owned;
    private volatile OpenStores stores;
    private final List<OpenStores> retired = new ArrayList<>();
    private final Map<String, StoreReader> checked = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> queries = new ConcurrentHashMap<>();

    private LocalCollector(String name, String description, StatusSource status, Path dataDir, OpenStores stores, boolean owned) {
        this.name = name;
        this.description = description;
        this.status = status;
        this.dataDir = dataDir;
        this.stores = stores;
        this.owned = owned;
    }

    /** A collector running in this JVM: its {@code Collector.stores()}; not closed by this object. */
    public static LocalCollector inProcess(String name, OpenStores stores, StatusSource status) {
        return new LocalCollector(name, "in-process", status, null, stores, false);
    }

    /**
     * A collector's data directory, mapped read-only. A directory that does not exist yet (the
     * collector has never run) is read once it does: queries until then fail with
     * {@code collector_unavailable}.
     */
    public static LocalCollector dataDir(String name, Path dataDir, StatusSource status) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            LOG.warn("collector {}: data directory {} does not exist yet; its stores are read once the collector has created them",
                    name, dataDir);
            return new LocalCollector(name, "data-dir " + dataDir, status, dataDir, new OpenStores() {
            }, true);
        }
        StoreDirectory dir = StoreDirectory.open(dataDir);
        for (var p : dir.problems()) {
            LOG.warn("collector {}: {} (skipped)", name, p.getMessage());
        }
        return new LocalCollector(name, "data-dir " + dataDir, status, dataDir, dir, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return description;
    }

    /** The stores this collector holds now. */
    public List<StoreDefinition> definitions() {
        return stores.definitions();
    }

    @Override
    public long queries(String store) {
        LongAdder a = queries.get(store);
        return a == null ? 0 : a.sum();
    }

    @Override
    public List<String> refusedStoreFiles() {
        if (!(stores instanceof StoreDirectory dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (var p : dir.problems()) {
            out.add(p.getMessage());
        }
        return out;
    }

    @Override
    public StoreDefinition definition(String store) {
        try {
            return lookUp(store).definition();
        } catch (QueryException e) {
            return null;
        }
    }

    @Override
    public Answers.KeyWrite keyWrite(StoreDefinition store, byte[] key, int redundancy) {
        KeyWriteReader r = reader(store, KeyWriteReader.class);
        byte[] v = new byte[r.layout().valueBytes()];
        int agree = r.get(key, redundancy, v); // the reader's allocation-free form: no Result record
        boolean found = agree > 0;
        Long uint = found && v.length == 4 ? ((v[0] & 0xFFL) << 24 | (v[1] & 0xFF) << 16 | (v[2] & 0xFF) << 8 | (v[3] & 0xFF)) : null;
        return new Answers.KeyWrite(store.name(), Keys.hex(key), found, found ? HexFormat.of().formatHex(v) : null, uint, agree,
                redundancy, name);
    }

    @Override
    public List<Answers.KeyWrite> keyWriteMany(StoreDefinition store, List<byte[]> keys, int redundancy) {
        KeyWriteReader r = reader(store, KeyWriteReader.class);
        if (r.layout().slotBytes() != 8) {
            List<Answers.KeyWrite> out = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                out.add(keyWrite(store, k, redundancy));
            }
            return out;
        }
        byte[][] batch = keys.toArray(new byte[0][]);
        int[] values = new int[batch.length];
        int[] agree = new int[batch.length];
        r.getMany(batch, batch.length, redundancy, values, agree);
        List<Answers.KeyWrite> out = new ArrayList<>(batch.length);
        for (int k = 0; k < batch.length; k++) {
            boolean found = agree[k] > 0;
            out.add(new Answers.KeyWrite(store.name(), Keys.hex(batch[k]), found, found ? HexFormat.of().toHexDigits(values[k]) : null,
                    found ? values[k] & 0xFFFF_FFFFL : null, agree[k], redundancy, name));
        }
        return out;
    }

    @Override
    public Answers.Counter counters(StoreDefinition store, byte[] key) {
        CounterReader r = reader(store, CounterReader.class);
        CounterLayout layout = r.layout();
        DtaHash hash = HASH.get();
        List<Answers.RowCounter> rows = new ArrayList<>(layout.rows());
        long min = -1L;
        for (int row = 0; row < layout.rows(); row++) {
            long column = hash.index(key, row, layout.log2Columns()) & 0xFFFF_FFFFL;
            long counter = r.counter(row, column);
            rows.add(new Answers.RowCounter(row, column, counter, name));
            if (Long.compareUnsigned(counter, min) < 0) {
                min = counter;
            }
        }
        return new Answers.Counter(store.name(), store.kind().configName(), Keys.hex(key), min, rows, List.of(name));
    }

    @Override
    public Answers.Path path(StoreDefinition store, byte[] key) {
        PostcardReader r = reader(store, PostcardReader.class);
        List<Answers.Hop> hops = new ArrayList<>();
        int valid = 0;
        for (PostcardStore.Hop h : r.path(key)) {
            hops.add(Answers.Hop.of(h.hop(), h.value(), h.valid()));
            valid += h.valid() ? 1 : 0;
        }
        return new Answers.Path(store.name(), Keys.hex(key), name, hops, valid);
    }

    @Override
    public Answers.Append append(StoreDefinition store, int list, Long from, int max) {
        AppendReader r = reader(store, AppendReader.class);
        long start = from == null ? r.oldest(list) : from;
        AppendStore.Batch b = r.read(list, start, max);
        List<Answers.AppendEntry> entries = new ArrayList<>(b.entries().size());
        for (AppendStore.Entry e : b.entries()) {
            entries.add(new Answers.AppendEntry(e.position(), e.value()));
        }
        return new Answers.Append(store.name(), list, name, start, entries, b.next(), b.overrun());
    }

    @Override
    public long appendTail(StoreDefinition store, int list) {
        return reader(store, AppendReader.class).tail(list);
    }

    /**
     * The reader of a store, checked once against the definition the service routes by: a file of
     * another kind or layout is not read (its bytes would be misread).
     */
    private <T extends StoreReader> T reader(StoreDefinition def, Class<T> type) {
        queries.computeIfAbsent(def.name(), k -> new LongAdder()).increment();
        StoreReader r = checked.get(def.name());
        if (r == null) {
            r = lookUp(def.name());
            StoreDefinition actual = r.definition();
            if (!Layouts.sameStore(actual, def)) {
                throw new QueryException(Reason.COLLECTOR_UNAVAILABLE, "collector " + name + " (" + description + ") holds store \""
                        + def.name() + "\" as " + Layouts.describe(actual) + ", but the deployment says " + Layouts.describe(def)
                        + ": fix the deployment or the collector's configuration");
            }
            checked.put(def.name(), r);
        }
        if (!type.isInstance(r)) {
            throw new IllegalStateException("store " + def.name() + " is read as " + type.getSimpleName() + " but is " + r.getClass());
        }
        return type.cast(r);
    }

    private StoreReader lookUp(String store) {
        try {
            return stores.reader(store);
        } catch (NoSuchElementException e) {
            if (dataDir != null && Files.exists(StoreFile.pathOf(dataDir, store))) {
                rescan();
                try {
                    return stores.reader(store);
                } catch (NoSuchElementException again) {
                    // reported below
                }
            }
            throw new QueryException(Reason.COLLECTOR_UNAVAILABLE, "collector " + name + " (" + description + ") has no store \""
                    + store + "\"" + (dataDir == null ? "" : " (no valid " + StoreFile.pathOf(dataDir, store).getFileName()
                    + " in " + dataDir + ")") + "; it has: " + String.join(", ", stores.definitions().stream().map(StoreDefinition::name).toList()));
        }
    }

    private synchronized void rescan() {
        try {
            StoreDirectory fresh = StoreDirectory.open(dataDir);
            retired.add(stores);
            stores = fresh;
            checked.clear();
            LOG.info("collector {}: re-scanned {}: {} store(s)", name, dataDir, fresh.definitions().size());
        } catch (IOException e) {
            throw new QueryException(Reason.COLLECTOR_UNAVAILABLE, "collector " + name + ": cannot read " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Snapshot snapshot(List<StoreDefinition> storesHere) {
        CollectorStatus cs = null;
        String error = "";
        try {
            cs = status.fetch();
        } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        StatusReport.CollectorHealth health = cs == null
                ? StatusReport.CollectorHealth.unknown(name, description, status.describe(), error.isEmpty(), error)
                : StatusMapping.health(name, description, status.describe(), cs);
        List<StatusReport.StoreStatus> out = new ArrayList<>();
        for (StoreDefinition def : storesHere) {
            StoreFill.Fill fill;
            try {
                StoreReader r = lookUp(def.name());
                fill = StoreFill.measure(r.definition(), stores.file(def.name()).data());
            } catch (QueryException | NoSuchElementException e) {
                fill = new StoreFill.Fill(0, 0, 0);
            }
            CollectorStatus.Store counters = null;
            if (cs != null) {
                for (CollectorStatus.Store s : cs.stores()) {
                    if (s.name().equals(def.name())) {
                        counters = s;
                    }
                }
            }
            out.add(StatusMapping.store(def, name, fill, counters, queries(def.name())));
        }
        return new Snapshot(health, out);
    }

    /** Unmaps the files of a data directory (an in-process collector's stores are its own). */
    @Override
    public synchronized void close() {
        if (owned) {
            stores.close();
            retired.forEach(OpenStores::close);
            retired.clear();
        }
    }
}
