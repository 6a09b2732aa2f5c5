package net.dta.collector.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.collector.store.Layouts;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.rdma.endpoint.QueuePairState;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * What the collector remembers across restarts, in one Chronicle Map file
 * ({@code <data dir>/state.cm}) next to the store files:
 *
 * <table>
 * <tr><th>key</th><th>value</th></tr>
 * <tr><td>{@code catalog/generation}</td><td>the catalog generation (protocol.md 7.2), +1 whenever the set of stores changes</td></tr>
 * <tr><td>{@code store/<id>}</td><td>each store definition last advertised (to detect changes)</td></tr>
 * <tr><td>{@code region/store/<id>}</td><td>va, length and rkeys of the store's registered data area</td></tr>
 * <tr><td>{@code region/catalog}</td><td>the same for the catalog region</td></tr>
 * <tr><td>{@code qp/<qpn>}</td><td>a queue pair's state (software backend), saved periodically and at shutdown</td></tr>
 * </table>
 *
 * <p>The store data itself lives in the store files, not here. A Chronicle Map survives the death of
 * its process (it is a shared mapping); after an unclean exit (no {@code state.clean} marker) it is
 * opened with Chronicle's recovery, which needs the exclusive access the data-directory lock gives.
 */
public final class CollectorState implements AutoCloseable {
    public static final String FILE = "state.cm";
    public static final String CLEAN_MARKER = "state.clean";
    /** Capacity: two entries per store (definition, region), queue pairs and a few others. */
    static final int MAX_STORES = net.dta.collector.config.ConfigLoader.MAX_STORES;
    private static final int ENTRIES = 2 * MAX_STORES + 4096 + 64;
    private static final String GENERATION = "catalog/generation";
    private static final String STORE = "store/";
    private static final String REGION_STORE = "region/store/";
    private static final String REGION_CATALOG = "region/catalog";
    private static final String QUEUE_PAIR = "qp/";
    private static final Logger LOG = LoggerFactory.getLogger(CollectorState.class);

    private final Path file;
    private final Path cleanMarker;
    private final boolean recovered;
    private final ChronicleMap<String, byte[]> map;

    private CollectorState(Path file, Path cleanMarker, boolean recovered, ChronicleMap<String, byte[]> map) {
        this.file = file;
        this.cleanMarker = cleanMarker;
        this.recovered = recovered;
        this.map = map;
    }

    /**
     * Call first thing in a process's main. Chronicle registers a JVM shutdown hook while it
     * initialises its resource releaser, on the first map built: when a SIGTERM or Ctrl-C arrives
     * before that (a collector stopped during start-up), the registration fails with "Shutdown in
     * progress", the class stays unusable and every later use prints a NoClassDefFoundError trace.
     * Initialised here, before any signal is likely, the window closes.
     */
    public static void initialiseBeforeSignals() {
        net.openhft.chronicle.core.io.BackgroundResourceReleaser.isOnBackgroundResourceReleaserThread();
    }

    /** Opens (or creates) the state of a data directory the caller holds the lock of. */
    public static CollectorState open(Path dataDir) throws StateException {
        Path file = dataDir.resolve(FILE);
        Path marker = dataDir.resolve(CLEAN_MARKER);
        boolean exists = Files.exists(file);
        boolean recover = exists && !Files.exists(marker);
        try {
            var builder = ChronicleMap.of(String.class, byte[].class)
                    .name("dta-collector-state")
                    .entries(ENTRIES)
                    .averageKeySize(16)
                    .averageValueSize(64)
                    // The collector's lifecycle closes the map after the last queue-pair save;
                    // Chronicle's own exit hook would close it under that save's feet.
                    .skipCloseOnExitHook(true);
            ChronicleMap<String, byte[]> map;
            if (recover) {
                LOG.warn("{}: the previous collector run did not shut down cleanly; recovering its state", file);
                map = builder.recoverPersistedTo(file.toFile(), true);
            } else {
                map = builder.createPersistedTo(file.toFile());
            }
            // From now until a clean close, the state counts as "in use": a crash leaves no marker.
            Files.deleteIfExists(marker);
            return new CollectorState(file, marker, recover, map);
        } catch (IOException | RuntimeException e) {
            throw new StateException(file + ": cannot open the collector state (" + e.getMessage() + "). "
                    + "If the file is damaged, move it away: the stores keep their data, but the collector will advertise "
                    + "new region descriptors and the translator must be re-connected.", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Whether this open had to recover after an unclean exit. */
    public boolean recovered() {
        return recovered;
    }

    /** The current catalog generation (0 before the first store set was recorded). */
    public long generation() throws StateException {
        byte[] v = map.get(GENERATION);
        return v == null ? 0 : StateCodec.decode(GENERATION, v, java.io.DataInputStream::readLong);
    }

    /** The store definitions last recorded, by id. */
    public Map<Integer, StoreDefinition> stores() throws StateException {
        Map<Integer, StoreDefinition> out = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : entries(STORE)) {
            StoreDefinition d = StateCodec.decode(e.getKey(), e.getValue(), StateCodec::definition);
            out.put(d.storeId(), d);
        }
        return out;
    }

    /**
     * Records the configured store set and returns the generation to advertise: unchanged when the
     * set is the same as last time, +1 when a store was added, removed or changed (1 on first use).
     * Region descriptors of stores that are gone are forgotten.
     */
    public long recordStores(List<StoreDefinition> current) throws StateException {
        Map<Integer, StoreDefinition> previous = stores();
        boolean same = previous.size() == current.size();
        for (StoreDefinition d : current) {
            StoreDefinition p = previous.get(d.storeId());
            if (p == null || !Layouts.sameStore(p, d)) {
                same = false;
            }
        }
        long generation = generation();
        if (same && generation > 0) {
            return generation;
        }
        Set<Integer> ids = new HashSet<>();
        for (StoreDefinition d : current) {
            ids.add(d.storeId());
            map.put(STORE + d.storeId(), StateCodec.definition(d));
        }
        for (Integer id : previous.keySet()) {
            if (!ids.contains(id)) {
                map.remove(STORE + id);
                map.remove(REGION_STORE + id);
            }
        }
        long next = generation + 1;
        map.put(GENERATION, StateCodec.number(next));
        LOG.info("store set {}: catalog generation {}", generation == 0 ? "recorded" : "changed", next);
        return next;
    }

    public Optional<RegionDescriptor> storeRegion(int storeId) throws StateException {
        return region(REGION_STORE + storeId);
    }

    public void putStoreRegion(int storeId, RegionDescriptor region) {
        map.put(REGION_STORE + storeId, StateCodec.region(region));
    }

    public Optional<RegionDescriptor> catalogRegion() throws StateException {
        return region(REGION_CATALOG);
    }

    public void putCatalogRegion(RegionDescriptor region) {
        map.put(REGION_CATALOG, StateCodec.region(region));
    }

    private Optional<RegionDescriptor> region(String key) throws StateException {
        byte[] v = map.get(key);
        return v == null ? Optional.empty() : Optional.of(StateCodec.decode(key, v, StateCodec::region));
    }

    /** The queue pairs saved last, by QPN. */
    public List<QueuePairState> queuePairs() throws StateException {
        List<QueuePairState> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : entries(QUEUE_PAIR)) {
            out.add(StateCodec.decode(e.getKey(), e.getValue(), StateCodec::queuePair));
        }
        out.sort((a, b) -> Integer.compare(a.qpn(), b.qpn()));
        return out;
    }

    /** Replaces the saved queue pairs with these (queue pairs that ended are removed). */
    public void saveQueuePairs(List<QueuePairState> states) {
        Set<String> keep = new HashSet<>();
        for (QueuePairState q : states) {
            String key = QUEUE_PAIR + q.qpn();
            keep.add(key);
            map.put(key, StateCodec.queuePair(q));
        }
        for (String key : new ArrayList<>(map.keySet())) {
            if (key.startsWith(QUEUE_PAIR) && !keep.contains(key)) {
                map.remove(key);
            }
        }
    }

    private List<Map.Entry<String, byte[]>> entries(String prefix) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    /** Closes the map and leaves the clean-shutdown marker. */
    @Override
    public void close() {
        if (map.isOpen()) {
            map.close();
            try {
                Files.writeString(cleanMarker, "closed cleanly at " + java.time.Instant.now() + "\n");
            } catch (IOException e) {
                LOG.warn("cannot write {}: the next start will run Chronicle Map recovery ({})", cleanMarker, e.toString());
            }
        }
    }
}
