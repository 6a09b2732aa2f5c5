package net.dta.bench.classic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import net.dta.collector.store.StoreFile;
import net.dta.protocol.Bytes;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.Report;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;

/**
 * Writes reports into the DTA store files themselves (protocol.md section 4), exactly the bytes
 * the translator's RDMA requests would put there, so that the collector's readers (and the query
 * service) read a classic collector's stores unchanged:
 * <ul>
 *   <li>Key-Write: the N slots {@code tag || value}; an 8-byte slot in one aligned store.</li>
 *   <li>Key-Increment and Sketch-Merge: adds to the counters, in the store's byte order. The
 *       receive thread is the only writer, so a load and a store replace the FETCH_ADD.</li>
 *   <li>Postcard: rows from the sink's own per-flow cache ({@link PostcardCache}).</li>
 *   <li>Append: one entry per report at the list's tail (no batching: nothing to save on a CPU);
 *       tails are recovered from the rings at start (protocol.md 6.4), so a restart continues the
 *       lists.</li>
 * </ul>
 * The sink does not own the files: the caller opens them (e.g. {@code StoreSet}) and closes them
 * after the sink.
 */
public final class StoreFileSink extends SinkSupport {
    private static final VarHandle BIG_ENDIAN = Bytes.ALIGNED_U64_BE.varHandle();
    private static final VarHandle LITTLE_ENDIAN = Bytes.ALIGNED_U64_LE.varHandle();

    private final MemorySegment[] data = new MemorySegment[0x10000];
    private final long[][] tails = new long[0x10000][];
    private final byte[] value = new byte[28];
    private final int count;

    public StoreFileSink(Collection<StoreFile> files) {
        super(definitions(files));
        for (StoreFile f : files) {
            StoreDefinition d = f.definition();
            data[d.storeId()] = f.data();
            if (d.layout() instanceof AppendLayout a) {
                AppendStore reader = new AppendStore(f.data(), a);
                long[] t = new long[a.lists()];
                for (int l = 0; l < t.length; l++) {
                    t[l] = reader.recoverTail(l);
                }
                tails[d.storeId()] = t;
            }
        }
        this.count = files.size();
        createCaches();
    }

    private static List<StoreDefinition> definitions(Collection<StoreFile> files) {
        List<StoreDefinition> defs = new ArrayList<>();
        for (StoreFile f : files) {
            defs.add(f.definition());
        }
        return defs;
    }

    @Override
    public void apply(Report r, StoreDefinition store, long nowNanos) {
        MemorySegment d = data[store.storeId()];
        switch (store.layout()) {
            case KeyWriteLayout kw -> keyWrite(r, kw, d);
            case CounterLayout c when r.opcode() == Report.OPCODE_KEY_INCREMENT -> keyIncrement(r, c, d, store.countersLittleEndian());
            case CounterLayout c -> sketchMerge(r, c, d, store.countersLittleEndian());
            case PostcardLayout p -> postcard(r, store, nowNanos);
            case AppendLayout a -> append(r, a, d, tails[store.storeId()]);
        }
    }

    private void keyWrite(Report r, KeyWriteLayout layout, MemorySegment d) {
        r.copyKey(key);
        int v = layout.valueBytes();
        MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, r.valueOffset(), value, 0, v);
        int n = r.redundancy() == 0 ? layout.defaultRedundancy() : r.redundancy();
        if (v == 4) {
            long word = ((hash.keyWriteTag(key, value, 0, 4) & 0xFFFF_FFFFL) << 32) | (Bytes.u32(r.segment(), r.valueOffset()));
            for (int i = 0; i < n; i++) {
                BIG_ENDIAN.setRelease(d, KeyWriteStore.slotOffset(hash, layout, key, i), word);
            }
        } else {
            for (int i = 0; i < n; i++) {
                KeyWriteStore.encodeSlot(hash, key, value, 0, v, d, KeyWriteStore.slotOffset(hash, layout, key, i));
            }
        }
    }

    private void keyIncrement(Report r, CounterLayout layout, MemorySegment d, boolean littleEndian) {
        r.copyKey(key);
        long delta = r.delta();
        int rows = r.redundancy() == 0 ? layout.rows() : r.redundancy();
        for (int row = 0; row < rows; row++) {
            add(d, layout.counterOffset(row, hash.index(key, row, layout.log2Columns())), delta, littleEndian);
        }
    }

    private static void sketchMerge(Report r, CounterLayout layout, MemorySegment d, boolean littleEndian) {
        long first = layout.counterOffset(r.row(), r.column());
        int count = r.count();
        for (int j = 0; j < count; j++) {
            add(d, first + 8L * j, r.sketchDelta(j), littleEndian);
        }
    }

    /** The receive thread is the only writer: load, add, store (opaque: readers see whole words). */
    private static void add(MemorySegment d, long offset, long delta, boolean littleEndian) {
        // Constant var handles on each branch: the JIT inlines them (a var handle chosen at run time would not be).
        if (littleEndian) {
            LITTLE_ENDIAN.setOpaque(d, offset, (long) LITTLE_ENDIAN.get(d, offset) + delta);
        } else {
            BIG_ENDIAN.setOpaque(d, offset, (long) BIG_ENDIAN.get(d, offset) + delta);
        }
    }

    private static void append(Report r, AppendLayout layout, MemorySegment d, long[] tails) {
        int list = (int) r.list();
        long p = tails[list];
        BIG_ENDIAN.setRelease(d, layout.entryOffset(list, p), AppendStore.entryWord(p, r.appendValue()));
        tails[list] = p + 1;
    }

    /**
     * The row of protocol.md 4.5, each 8-byte cell ({@code value || check}, or zero for a hop with no
     * postcard) in one aligned store, so a reader's aligned load never sees half a cell.
     */
    @Override
    void writeRow(int storeId, byte[] flowKey, int presentHops, int[] values) {
        PostcardLayout layout = (PostcardLayout) store(storeId).layout();
        MemorySegment d = data[storeId];
        long row = PostcardStore.rowOffset(hash, layout, flowKey);
        int cells = layout.rowBytes() / PostcardLayout.CELL_BYTES;
        for (int h = 0; h < cells; h++) {
            long cell = 0;
            if (h < layout.hops() && (presentHops & (1 << h)) != 0) {
                cell = ((long) values[h] << 32) | (hash.postcardCheck(flowKey, h, values[h]) & 0xFFFF_FFFFL);
            }
            BIG_ENDIAN.setRelease(d, row + (long) PostcardLayout.CELL_BYTES * h, cell);
        }
    }

    @Override
    public String describe() {
        return "store files (" + count + " stores, the DTA layouts)";
    }

    @Override
    public void close() {
        flushCaches();
    }
}
