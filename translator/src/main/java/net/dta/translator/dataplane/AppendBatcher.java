package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.report.Report;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.RegionEntry;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.StoreConfig;
import net.dta.translator.pipeline.Tables;

/**
 * Append batches (protocol.md 6.4), per tail slot (tail_base + list): the entries held, their
 * values, and the store they belong to. A batch is written as one WRITE when it reaches the
 * store's batch size, the end of the ring or of a region segment, or is idle for the flush
 * interval; the tail register advances per entry.
 */
final class AppendBatcher {
    private static final int CELLS = 16;

    private final EngineState x;
    private final Requester requester;
    private final Registers regs;
    private final int tailSlots;
    private final int[] count;
    private final int[] store;
    private final int[] values;
    private final IdleList idle;

    AppendBatcher(EngineState x, Requester requester) {
        this.x = x;
        this.requester = requester;
        this.regs = x.regs;
        this.tailSlots = regs.size(Registers.APPEND_TAIL);
        this.count = new int[tailSlots];
        this.store = new int[tailSlots];
        this.values = new int[tailSlots * CELLS];
        this.idle = new IdleList(tailSlots);
    }

    /** Lists with a partial batch held. */
    int held() {
        return idle.size();
    }

    /**
     * The data offset of the list's next entry, or -1 when the list's tail slot is outside the
     * tail register (a store whose tail_base puts it past the end).
     */
    long nextOffset(StoreConfig st, long list) {
        long slot = st.tailBase + list;
        if (slot >= tailSlots) {
            return -1;
        }
        return ((AppendLayout) st.layout).entryOffset(list, regs.appendTail((int) slot));
    }

    /** An Append report that passed every check; {@code offset} is its entry's ({@link #nextOffset}). */
    void append(Report r, StoreConfig st, long offset) {
        // In small steps, each below C2's FreqInlineSize (docs/performance.md, "The slow mode").
        AppendLayout layout = (AppendLayout) st.layout;
        long list = r.list();
        int slot = (int) (st.tailBase + list);
        int tail = regs.appendTail(slot);
        int held = joinable(slot, st, layout, list, tail, offset);
        values[slot * CELLS + held] = r.appendValue();
        count[slot] = held + 1;
        store[slot] = st.storeId;
        x.ledger.hold(Report.OPCODE_APPEND, 1);
        regs.appendTail(slot, tail + 1);
        if (batchEnds(st, layout, list, tail, held + 1)) {
            flush(slot);
        } else {
            idle.touch(slot, x.now);
        }
    }

    /**
     * The entries held for the slot that the new entry at {@code offset} joins: the batch held, or
     * 0 once a batch it cannot join (idle, another store's, another region segment's) is written.
     */
    private int joinable(int slot, StoreConfig st, AppendLayout layout, long list, int tail, long offset) {
        int held = count[slot];
        if (held == 0) {
            return 0;
        }
        boolean isIdle = x.now - idle.time(slot) >= x.t.settings().flushIntervalNanos();
        boolean otherStore = store[slot] != st.storeId;
        boolean otherSegment = (layout.entryOffset(list, tail - held) >>> EngineState.SEGMENT_SHIFT)
                != (offset >>> EngineState.SEGMENT_SHIFT);
        if (!(isIdle || otherStore || otherSegment)) {
            return held;
        }
        if (isIdle) {
            x.count(EngineCounter.APPEND_IDLE_FLUSHES);
        }
        flush(slot);
        return 0;
    }

    /** Whether a batch of {@code held} entries ending at tail + 1 is written now: full, at the ring's end or a segment's. */
    private static boolean batchEnds(StoreConfig st, AppendLayout layout, long list, int tail, int held) {
        int batch = Math.max(1, Math.min(CELLS, st.batch));
        boolean ringEnd = ((tail + 1) & (layout.entries() - 1)) == 0;
        boolean segmentEnd = (layout.entryOffset(list, tail + 1) & EngineState.SEGMENT_MASK) == 0;
        return held >= batch || ringEnd || segmentEnd;
    }

    /** Writes the batches idle for {@code flushNanos}. */
    void flushIdle(long flushNanos) {
        for (int slot = idle.head(); slot >= 0 && x.now - idle.time(slot) >= flushNanos; slot = idle.head()) {
            x.count(EngineCounter.APPEND_IDLE_FLUSHES);
            flush(slot);
        }
    }

    /** Forgets every batch held (a new pipeline). */
    void clear() {
        for (int slot = idle.head(); slot >= 0; slot = idle.head()) {
            count[slot] = 0;
            idle.remove(slot);
        }
    }

    /** Writes the entries held for a tail slot (positions tail - held .. tail - 1) as one WRITE. */
    void flush(int slot) {
        // In small steps, each below C2's FreqInlineSize (docs/performance.md, "The slow mode").
        int k = count[slot];
        if (k == 0) {
            return;
        }
        count[slot] = 0;
        idle.remove(slot);
        x.ledger.release(Report.OPCODE_APPEND, k);
        int first = regs.appendTail(slot) - k;
        if (!writeBatch(slot, k, first)) {
            batchLost(slot, k);
        }
    }

    /**
     * Sends the slot's k entries from list position {@code first} where their store, collector,
     * queue pair and region still are (or counts them lost to a full window); false when one is gone.
     */
    private boolean writeBatch(int slot, int k, int first) {
        Tables t = x.t;
        StoreConfig st = t.store(store[slot]);
        if (st == null || st.kind != Report.OPCODE_APPEND || slot < st.tailBase
                || slot - (long) st.tailBase >= ((AppendLayout) st.layout).lists()) {
            return false;
        }
        long list = slot - (long) st.tailBase;
        long off = ((AppendLayout) st.layout).entryOffset(list, first);
        int c = t.collector(st.storeId, (int) (list & 0xFF));
        QueuePairEntry qp = c < 0 ? null : t.queuePair(c);
        RegionEntry region = qp == null ? null : t.region(c, st.storeId, (int) (off >>> EngineState.SEGMENT_SHIFT));
        if (region == null || !regs.qpUp(c)) {
            return false;
        }
        if (!requester.room(c, 1)) {
            requester.windowFull(c, Report.OPCODE_APPEND, k, 1);
        } else {
            writeEntries(c, qp, region, off, slot, k, first);
        }
        return true;
    }

    /** One WRITE of k entries (position + 1, value), the slot's held values in order. */
    private void writeEntries(int c, QueuePairEntry qp, RegionEntry region, long off, int slot, int k, int first) {
        long frame = requester.beginWrite(c, qp, region, off, 8 * k);
        long p = requester.writer().payloadOffset();
        MemorySegment seg = requester.frames();
        for (int i = 0; i < k; i++) {
            Bytes.u32(seg, p + 8L * i, (first + 1 + i) & 0xFFFF_FFFFL);
            Bytes.u32(seg, p + 8L * i + 4, values[slot * CELLS + i] & 0xFFFF_FFFFL);
        }
        requester.finishRequest(c, qp, frame, requester.writer().skip(8 * k).finish(), Report.OPCODE_APPEND, k);
        x.count(EngineCounter.APPEND_BATCHES);
    }

    /** The slot's k entries could not be written: lost, counted, logged once. */
    private void batchLost(int slot, int k) {
        x.count(EngineCounter.APPEND_ENTRIES_LOST, k);
        x.ledger.lost(Report.OPCODE_APPEND, k, ReportLedger.LossReason.NOT_WRITABLE);
        if (x.logOnce.pending(EngineState.LOG_HELD_LOST)) {
            x.logOnce.warn(EngineState.LOG_HELD_LOST, "{} held Append entries of tail slot {} could not be written: their store, "
                    + "collector, queue pair or region is gone or down", k, slot);
        }
    }
}
