package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.report.Report;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.RegionEntry;
import net.dta.translator.pipeline.StoreConfig;
import net.dta.translator.pipeline.Tables;

/**
 * The postcard cache (protocol.md 6.3): entry e, chosen by the flow key's replica-0 index, holds
 * one flow of a store, its path length, the hops received (bitmap; 0 = empty) and their cells.
 * A full path becomes one row WRITE; a flow evicted by another, or idle for the flush interval,
 * is written with the hops it has.
 */
final class PostcardCache {
    private static final int CELLS = 8;

    private final EngineState x;
    private final Requester requester;
    private final DtaHash hash = new DtaHash();
    private final byte[] heldKey = new byte[DtaHash.KEY_BYTES];
    private final int log2Entries;
    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] store;
    private final int[] pathLength;
    private final int[] bitmap;
    private final long[] cells;
    private final IdleList idle;

    PostcardCache(EngineState x, Requester requester, int entries) {
        if (Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("the postcard cache size must be a power of two, got " + entries);
        }
        this.x = x;
        this.requester = requester;
        this.log2Entries = Integer.numberOfTrailingZeros(entries);
        this.keyHi = new long[entries];
        this.keyLo = new long[entries];
        this.store = new int[entries];
        this.pathLength = new int[entries];
        this.bitmap = new int[entries];
        this.cells = new long[entries * CELLS];
        this.idle = new IdleList(entries);
    }

    /** Entries holding a flow (approximate when read from another thread). */
    int held() {
        return idle.size();
    }

    /**
     * A postcard that passed every check, for the row at {@code offset} of {@code region} on
     * collector c: held with the other hops of its flow; the row is written once the path is full.
     */
    void postcard(Report r, StoreConfig st, byte[] key, int keyHash, int c, QueuePairEntry qp, RegionEntry region, long offset) {
        // In small steps, each below C2's FreqInlineSize (325 bytes of bytecode), so the whole
        // path inlines into Engine's (docs/performance.md, "The slow mode").
        int e = DtaHash.index(keyHash, 0, log2Entries);
        int hop = r.hop();
        int v = r.postcardValue();
        long cell = ((long) v << 32) | (hash.postcardCheck(key, hop, v) & 0xFFFF_FFFFL);
        int b = addHop(e, entryFor(r, st, e), hop, cell);
        int full = (1 << pathLength[e]) - 1;
        if ((b & full) == full) {
            writeRow(st, c, qp, region, offset, b, e);
            clear(e);
        } else {
            idle.touch(e, x.now);
        }
    }

    /**
     * Cache entry e for the report's flow: the hops it holds already, or 0 when the flow starts
     * afresh there (the row of another flow, or of this flow gone idle, is written first).
     */
    private int entryFor(Report r, StoreConfig st, int e) {
        MemorySegment s = r.segment();
        long hi = s.get(Bytes.U64, r.keyOffset());
        long lo = s.get(Bytes.U64, r.keyOffset() + 8);
        int b = bitmap[e];
        if (b != 0) {
            boolean sameFlow = keyHi[e] == hi && keyLo[e] == lo && store[e] == st.storeId;
            if (sameFlow && x.now - idle.time(e) < x.t.settings().flushIntervalNanos()) {
                return b;
            }
            x.count(sameFlow ? EngineCounter.POSTCARD_IDLE_FLUSHES : EngineCounter.POSTCARD_EVICTIONS);
            writeHeldRow(e);
        }
        keyHi[e] = hi;
        keyLo[e] = lo;
        store[e] = st.storeId;
        pathLength[e] = r.pathLength() == 0 ? ((PostcardLayout) st.layout).hops() : r.pathLength();
        return 0;
    }

    /** Holds hop's cell in entry e (a hop received twice keeps the later, the earlier is lost); returns the new bitmap. */
    private int addHop(int e, int b, int hop, long cell) {
        cells[e * CELLS + hop] = cell;
        if ((b & (1 << hop)) != 0) {
            x.ledger.lost(Report.OPCODE_POSTCARD, 1, ReportLedger.LossReason.SUPERSEDED);
        } else {
            x.ledger.hold(Report.OPCODE_POSTCARD, 1);
        }
        b |= 1 << hop;
        bitmap[e] = b;
        return b;
    }

    /** Writes the rows of flows idle for {@code flushNanos}. */
    void flushIdle(long flushNanos) {
        for (int e = idle.head(); e >= 0 && x.now - idle.time(e) >= flushNanos; e = idle.head()) {
            x.count(EngineCounter.POSTCARD_IDLE_FLUSHES);
            writeHeldRow(e);
        }
    }

    /** Forgets every flow held (a new pipeline). */
    void clear() {
        for (int e = idle.head(); e >= 0; e = idle.head()) {
            clear(e);
        }
    }

    /** Writes the row of the flow held by cache entry e (evicted or idle) and empties the entry. */
    private void writeHeldRow(int e) {
        int b = bitmap[e];
        if (!writeHeldRowIfWritable(e, b)) {
            heldRowLost(e, b);
        }
        clear(e);
    }

    /** Writes entry e's row where its flow's store, collector, queue pair and region still are; false when one is gone. */
    private boolean writeHeldRowIfWritable(int e, int b) {
        Tables t = x.t;
        StoreConfig st = t.store(store[e]);
        if (st == null || st.kind != Report.OPCODE_POSTCARD) {
            return false;
        }
        MemorySegment k = MemorySegment.ofArray(heldKey);
        k.set(Bytes.U64, 0, keyHi[e]);
        k.set(Bytes.U64, 8, keyLo[e]);
        int c = t.collector(st.storeId, hash.bucket(heldKey));
        QueuePairEntry qp = c < 0 ? null : t.queuePair(c);
        if (qp == null || !x.regs.qpUp(c)) {
            return false;
        }
        PostcardLayout layout = (PostcardLayout) st.layout;
        long off = layout.rowOffset(hash.index(heldKey, 0, layout.log2Rows()));
        RegionEntry region = t.region(c, st.storeId, (int) (off >>> EngineState.SEGMENT_SHIFT));
        if (region == null) {
            return false;
        }
        writeRow(st, c, qp, region, off, b, e);
        return true;
    }

    /** The reports held in entry e could not be written: released from the ledger as lost, counted, logged once. */
    private void heldRowLost(int e, int b) {
        int reports = Integer.bitCount(b);
        x.ledger.release(Report.OPCODE_POSTCARD, reports);
        x.ledger.lost(Report.OPCODE_POSTCARD, reports, ReportLedger.LossReason.NOT_WRITABLE);
        x.count(EngineCounter.POSTCARD_ROWS_LOST);
        if (x.logOnce.pending(EngineState.LOG_HELD_LOST)) {
            x.logOnce.warn(EngineState.LOG_HELD_LOST, "a held postcard row of store {} could not be written: its store, "
                    + "collector, queue pair or region is gone or down", store[e]);
        }
    }

    private void writeRow(StoreConfig st, int c, QueuePairEntry qp, RegionEntry region, long offset, int b, int e) {
        int reports = Integer.bitCount(b);
        x.ledger.release(Report.OPCODE_POSTCARD, reports);
        if (!requester.room(c, 1)) {
            requester.windowFull(c, Report.OPCODE_POSTCARD, reports, 1);
            return;
        }
        int rowBytes = ((PostcardLayout) st.layout).rowBytes();
        int rowCells = rowBytes >>> 3;
        long frame = requester.beginWrite(c, qp, region, offset, rowBytes);
        long p = requester.writer().payloadOffset();
        MemorySegment seg = requester.frames();
        for (int h = 0; h < rowCells; h++) {
            seg.set(Bytes.U64, p + 8L * h, h < CELLS && (b & (1 << h)) != 0 ? cells[e * CELLS + h] : 0L);
        }
        requester.finishRequest(c, qp, frame, requester.writer().skip(rowBytes).finish(), Report.OPCODE_POSTCARD, reports);
        x.count(EngineCounter.POSTCARD_ROWS);
    }

    private void clear(int e) {
        bitmap[e] = 0;
        idle.remove(e);
    }
}
