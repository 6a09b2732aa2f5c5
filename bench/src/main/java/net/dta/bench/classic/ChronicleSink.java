package net.dta.bench.classic;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.Report;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.PostcardStore;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

/**
 * The classic collector's other store: one persisted Chronicle Map per DTA store (a file
 * {@code <dir>/<store>.cm}), the way a CPU collector built on an off-heap key-value store keeps
 * telemetry. Keys are exact, so nothing is hashed into slots:
 * <ul>
 *   <li>Key-Write: {@code key (16 bytes) -> value}, a put (no previous value returned).</li>
 *   <li>Key-Increment: {@code key -> 64-bit sum}, added in place ({@code acquireUsing} + an
 *       off-heap {@link LongValue}).</li>
 *   <li>Postcard: {@code flow key -> path row} (the DTA row encoding), written from the sink's own
 *       per-flow cache like the store-file sink.</li>
 *   <li>Append: {@code list << 32 | ring position -> sequence << 32 | value}, a bounded ring of
 *       entries per list as in the store.</li>
 *   <li>Sketch-Merge: {@code row << 32 | column -> 64-bit counter}, added in place.</li>
 * </ul>
 * Maps are sized for {@code keys} distinct keys (Key-Write, Key-Increment, Postcard) and for the
 * store's counters or ring entries (Append, Sketch). Keys and values go through reused scratch
 * objects: no allocation per report in this class (what Chronicle does inside is measured as part
 * of the variant).
 */
public final class ChronicleSink extends SinkSupport {
    private final ChronicleMap<?, ?>[] maps = new ChronicleMap<?, ?>[0x10000];
    private final List<ChronicleMap<?, ?>> all = new ArrayList<>();
    private final byte[][] valueScratch = new byte[0x10000][];
    private final LongValue longKey = Values.newHeapInstance(LongValue.class);
    private final LongValue counter = Values.newNativeReference(LongValue.class);
    private final long[][] tails = new long[0x10000][];
    private final MemorySegment row = MemorySegment.ofArray(new long[8]);
    private final Path directory;

    /**
     * Creates (or reopens) the maps in {@code directory}.
     *
     * @param keys how many distinct keys (flows) to size the key-based maps for
     */
    public ChronicleSink(List<StoreDefinition> stores, Path directory, long keys) throws IOException {
        super(stores);
        this.directory = directory;
        Files.createDirectories(directory);
        try {
            for (StoreDefinition d : stores) {
                ChronicleMap<?, ?> map = open(d, directory.resolve(d.name() + ".cm"), Math.max(1024, keys));
                maps[d.storeId()] = map;
                all.add(map);
            }
        } catch (IOException | RuntimeException e) {
            closeMaps();
            throw e;
        }
        createCaches();
    }

    private ChronicleMap<?, ?> open(StoreDefinition d, Path file, long keys) throws IOException {
        return switch (d.layout()) {
            case KeyWriteLayout kw -> {
                valueScratch[d.storeId()] = new byte[kw.valueBytes()];
                yield ChronicleMap.of(byte[].class, byte[].class).name(d.name())
                        .constantKeySizeBySample(new byte[DtaHash.KEY_BYTES])
                        .constantValueSizeBySample(new byte[kw.valueBytes()])
                        .entries(keys).putReturnsNull(true).createPersistedTo(file.toFile());
            }
            case CounterLayout c when d.kind().code() == Report.OPCODE_KEY_INCREMENT ->
                    ChronicleMap.of(byte[].class, LongValue.class).name(d.name())
                            .constantKeySizeBySample(new byte[DtaHash.KEY_BYTES])
                            .entries(keys).createPersistedTo(file.toFile());
            case CounterLayout c -> ChronicleMap.of(LongValue.class, LongValue.class).name(d.name())
                    .entries(c.rows() * c.columns()).createPersistedTo(file.toFile());
            case PostcardLayout p -> {
                valueScratch[d.storeId()] = new byte[p.rowBytes()];
                yield ChronicleMap.of(byte[].class, byte[].class).name(d.name())
                        .constantKeySizeBySample(new byte[DtaHash.KEY_BYTES])
                        .constantValueSizeBySample(new byte[p.rowBytes()])
                        .entries(keys).putReturnsNull(true).createPersistedTo(file.toFile());
            }
            case AppendLayout a -> {
                tails[d.storeId()] = new long[a.lists()];
                yield ChronicleMap.of(LongValue.class, LongValue.class).name(d.name())
                        .entries(a.lists() * a.entries()).createPersistedTo(file.toFile());
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void apply(Report r, StoreDefinition store, long nowNanos) {
        int id = store.storeId();
        switch (store.layout()) {
            case KeyWriteLayout kw -> {
                r.copyKey(key);
                byte[] v = valueScratch[id];
                MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, r.valueOffset(), v, 0, v.length);
                ((ChronicleMap<byte[], byte[]>) maps[id]).put(key, v);
            }
            case CounterLayout c when r.opcode() == Report.OPCODE_KEY_INCREMENT -> {
                r.copyKey(key);
                ((ChronicleMap<byte[], LongValue>) maps[id]).acquireUsing(key, counter).addValue(r.delta());
            }
            case CounterLayout c -> {
                ChronicleMap<LongValue, LongValue> m = (ChronicleMap<LongValue, LongValue>) maps[id];
                int count = r.count();
                for (int j = 0; j < count; j++) {
                    longKey.setValue(((long) r.row() << 32) | (r.column() + j));
                    m.acquireUsing(longKey, counter).addValue(r.sketchDelta(j));
                }
            }
            case PostcardLayout p -> postcard(r, store, nowNanos);
            case AppendLayout a -> {
                int list = (int) r.list();
                long position = tails[id][list]++;
                longKey.setValue(((long) list << 32) | (position & (a.entries() - 1)));
                ((ChronicleMap<LongValue, LongValue>) maps[id]).acquireUsing(longKey, counter)
                        .setValue(AppendStore.entryWord(position, r.appendValue()));
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    void writeRow(int storeId, byte[] flowKey, int presentHops, int[] values) {
        PostcardLayout layout = (PostcardLayout) store(storeId).layout();
        byte[] v = valueScratch[storeId];
        PostcardStore.encodeRow(hash, layout, flowKey, presentHops, values, row, 0);
        MemorySegment.copy(row, ValueLayout.JAVA_BYTE, 0, v, 0, v.length);
        ((ChronicleMap<byte[], byte[]>) maps[storeId]).put(flowKey, v);
    }

    /** Entries held by the map of a store (tests, status). */
    public long size(int storeId) {
        return maps[storeId].longSize();
    }

    /** The Key-Write value or Postcard row of a key, or null (tests). */
    @SuppressWarnings("unchecked")
    public byte[] get(int storeId, byte[] key) {
        return ((ChronicleMap<byte[], byte[]>) maps[storeId]).get(key);
    }

    /** The counter of a Key-Increment key, or 0 (tests). */
    @SuppressWarnings("unchecked")
    public long counter(int storeId, byte[] key) {
        LongValue v = ((ChronicleMap<byte[], LongValue>) maps[storeId]).getUsing(key, Values.newHeapInstance(LongValue.class));
        return v == null ? 0 : v.getValue();
    }

    /** The counter of a Sketch store at (row, column), or 0 (tests). */
    @SuppressWarnings("unchecked")
    public long sketchCounter(int storeId, int row, long column) {
        LongValue k = Values.newHeapInstance(LongValue.class);
        k.setValue(((long) row << 32) | column);
        LongValue v = ((ChronicleMap<LongValue, LongValue>) maps[storeId]).getUsing(k, Values.newHeapInstance(LongValue.class));
        return v == null ? 0 : v.getValue();
    }

    @Override
    public String describe() {
        return "Chronicle Map (" + all.size() + " maps in " + directory + ")";
    }

    @Override
    public void close() {
        try {
            flushCaches();
        } finally {
            closeMaps();
        }
    }

    private void closeMaps() {
        for (ChronicleMap<?, ?> m : all) {
            m.close();
        }
        all.clear();
    }
}
