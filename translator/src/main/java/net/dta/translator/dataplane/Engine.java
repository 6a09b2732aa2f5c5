package net.dta.translator.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.p4.TranslatorP4Names;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.status.CounterArray;
import net.dta.packetio.status.LogOnce;
import net.dta.rdma.wire.Bth;
import net.dta.packetio.wire.EthernetHeader;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.RegionEntry;
import net.dta.translator.pipeline.RegisterWrite;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Route;
import net.dta.translator.pipeline.RouteAction;
import net.dta.translator.pipeline.Settings;
import net.dta.translator.pipeline.StoreConfig;
import net.dta.translator.pipeline.Tables;

/**
 * The translator's data path, without sockets: a report in, RoCEv2 requests out (protocol.md 2.5
 * and 6); a reply in, queue-pair state updated (5.6); PacketOut frames routed; timers for idle
 * flushes and liveness probes. It is the executable reference the P4 programs are checked against:
 * the same checks in the same order, the same counters, the same requests in the same order.
 *
 * <p>One thread (the data plane's) calls every method; nothing on the per-packet path allocates.
 * Frames are built in place in an output {@link PacketBatch} that {@link #flush} hands to the
 * {@link FrameSink}; PacketIns (control path) are copied out to the {@link PacketInSink}.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_REQUESTS = 16;
    private static final int MAX_PROBES = 3;
    private static final int CACHE_CELLS = 8;
    private static final int AP_CELLS = 16;
    private static final int SEGMENT_SHIFT = 31;
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;
    // LogOnce slots: drop reasons 0..15, then the others.
    private static final int LOG_NOT_LOCAL = DropReason.COUNTER_SLOTS;
    private static final int LOG_MALFORMED = LOG_NOT_LOCAL + 1;
    private static final int LOG_ROUTE = LOG_MALFORMED + 1;
    private static final int LOG_PACKET_OUT = LOG_ROUTE + 1;
    private static final int LOG_HELD_LOST = LOG_PACKET_OUT + 1;
    private static final int LOG_QP_DOWN = LOG_HELD_LOST + 1;
    private static final int LOG_SEND = LOG_QP_DOWN + 1;
    private static final int LOG_SPOOFED = LOG_SEND + 1;
    private static final int LOG_OUTSIDE_WINDOW = LOG_SPOOFED + 1;
    private static final int LOG_WINDOW_FULL = LOG_OUTSIDE_WINDOW + 1;
    private static final int LOG_SLOTS = LOG_WINDOW_FULL + 1;
    // How a collector's outstanding requests were last resolved (lateAck believes only a down).
    private static final byte IN_FLIGHT = 0;
    private static final byte RESOLVED_DOWN = 1;
    private static final byte RESOLVED_RESET = 2;

    private final Pipeline pipeline;
    private final Registers regs;
    private final Counters counters;
    private final FrameSink sink;
    private final PacketInSink packetIns;
    private final boolean verifyIcrc;
    private final boolean udpMode;
    private final long translatorMac;
    private final LongSupplier clock;
    private final PacketBatch out;
    private final CounterArray stats = new CounterArray(EngineCounter.values().length);
    private final CounterArray malformed = new CounterArray(MalformedReason.values().length);
    private final LogOnce logOnce = new LogOnce(LOG, LOG_SLOTS);

    private final Report report = new Report();
    private final DtaHash hash = new DtaHash();
    private final RoceFrameWriter writer = new RoceFrameWriter();
    private final RocePacket packet = new RocePacket();
    private final EthernetHeader ethernet = new EthernetHeader();
    private final byte[] value = new byte[28];
    private final byte[] heldKey = new byte[DtaHash.KEY_BYTES];
    private final long[] offsets = new long[MAX_REQUESTS];
    private final RegionEntry[] regions = new RegionEntry[MAX_REQUESTS];
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(256, 8);

    // Liveness (protocol.md 5.6): start of the current probe interval, probes without an answer.
    private final long[] qpTimer = new long[Tables.COLLECTORS];
    private final int[] probesOut = new int[Tables.COLLECTORS];

    // The requester (protocol.md 5.6): the requests outstanding per queue pair, what they carry,
    // and, for a retransmitting requester, their frames; the time of the last progress (an
    // acknowledgement that moved, or a go-back-N) for the retransmit timeout.
    private final RequesterSettings requester;
    private final RequestRing ring;
    private final ReportLedger ledger = new ReportLedger();
    private final long[] progressAt = new long[Tables.COLLECTORS];
    // Retransmitting requester: the next PSN to transmit (requests from there to next PSN - 1 wait
    // in the ring for the send window), and the PSN after the highest ever transmitted.
    private final int[] sendNext = new int[Tables.COLLECTORS];
    private final int[] highestSent = new int[Tables.COLLECTORS];
    // A PSN query is out (sent at queriedAt, after the requests before queryNext): its ACK names
    // the PSN the responder expects, minus one.
    private final boolean[] querying = new boolean[Tables.COLLECTORS];
    private final int[] queryNext = new int[Tables.COLLECTORS];
    private final long[] queriedAt = new long[Tables.COLLECTORS];
    private final byte[] resolved = new byte[Tables.COLLECTORS];

    // Postcard cache (protocol.md 6.3): entry e holds a flow of a store, its path length, the hops
    // received (bitmap; 0 = empty) and their cells.
    private final int log2Cache;
    private final long[] pcKeyHi;
    private final long[] pcKeyLo;
    private final int[] pcStore;
    private final int[] pcPathLength;
    private final int[] pcBitmap;
    private final long[] pcCells;
    private final IdleList pcIdle;

    // Append batches (protocol.md 6.4), per tail slot (tail_base + list): entries held, their
    // values, and the store they belong to.
    private final int tailSlots;
    private final int[] apCount;
    private final int[] apStore;
    private final int[] apValues;
    private final IdleList apIdle;

    private Tables t;
    private long now;
    private int outCount;

    /**
     * @param verifyIcrc   whether received frames carry the transmitted IPv4 header (raw mode)
     * @param udpMode      frames leave through a UDP socket (PacketOuts must then be UDP)
     * @param translatorMac written as destination MAC of PacketIn frames (sockets do not show MACs)
     * @param clock        nanoseconds, monotonic
     */
    public Engine(Pipeline pipeline, FrameSink sink, PacketInSink packetIns, boolean verifyIcrc, boolean udpMode,
                  long translatorMac, int postcardCacheEntries, int batchSize, LongSupplier clock) {
        this(pipeline, sink, packetIns, verifyIcrc, udpMode, translatorMac, postcardCacheEntries, batchSize, RequesterSettings.DEFAULT,
                clock);
    }

    /** @param requester retransmission (go-back-N from a ring) or a switch requester's rewind, and the window */
    public Engine(Pipeline pipeline, FrameSink sink, PacketInSink packetIns, boolean verifyIcrc, boolean udpMode,
                  long translatorMac, int postcardCacheEntries, int batchSize, RequesterSettings requester, LongSupplier clock) {
        if (Integer.bitCount(postcardCacheEntries) != 1) {
            throw new IllegalArgumentException("the postcard cache size must be a power of two, got " + postcardCacheEntries);
        }
        this.pipeline = pipeline;
        this.regs = pipeline.registers();
        this.counters = pipeline.counters();
        this.sink = sink;
        this.packetIns = packetIns;
        this.verifyIcrc = verifyIcrc;
        this.udpMode = udpMode;
        this.translatorMac = translatorMac;
        this.clock = clock;
        this.out = new PacketBatch(batchSize);
        this.log2Cache = Integer.numberOfTrailingZeros(postcardCacheEntries);
        this.pcKeyHi = new long[postcardCacheEntries];
        this.pcKeyLo = new long[postcardCacheEntries];
        this.pcStore = new int[postcardCacheEntries];
        this.pcPathLength = new int[postcardCacheEntries];
        this.pcBitmap = new int[postcardCacheEntries];
        this.pcCells = new long[postcardCacheEntries * CACHE_CELLS];
        this.pcIdle = new IdleList(postcardCacheEntries);
        this.tailSlots = regs.size(Registers.APPEND_TAIL);
        this.apCount = new int[tailSlots];
        this.apStore = new int[tailSlots];
        this.apValues = new int[tailSlots * AP_CELLS];
        this.apIdle = new IdleList(tailSlots);
        this.t = pipeline.tables();
        this.now = clock.getAsLong();
        this.requester = requester;
        this.ring = new RequestRing(requester.window(), requester.retransmit());
        java.util.Arrays.fill(resolved, RESOLVED_RESET); // nothing in flight yet
    }

    /** Takes the current table snapshot and time; call before each batch of packets. */
    public void refresh() {
        t = pipeline.tables();
        now = clock.getAsLong();
    }

    public long now() {
        return now;
    }

    public long stat(EngineCounter c) {
        return stats.get(c.ordinal());
    }

    public long malformed(MalformedReason reason) {
        return malformed.get(reason.ordinal());
    }

    /** Postcard cache entries holding a flow (approximate when read from another thread). */
    public int postcardEntriesHeld() {
        return pcIdle.size();
    }

    /** Where the accepted reports are, per primitive. */
    public ReportLedger ledger() {
        return ledger;
    }

    public RequesterSettings requester() {
        return requester;
    }

    /** Append lists with a partial batch held. */
    public int appendBatchesHeld() {
        return apIdle.size();
    }

    // =====================================================================================
    // Reports (protocol.md 2.5 then 6)
    // =====================================================================================

    /** One report: the UDP payload of a datagram to the report port. */
    public void report(MemorySegment s, long offset, int length) {
        stats.increment(EngineCounter.REPORT_DATAGRAMS.ordinal());
        translate(s, offset, length);
    }

    /**
     * One report that did not arrive in a datagram of its own (converted from INT by the INT ingest,
     * docs/int.md): the same checks, counters and requests as {@link #report}.
     */
    public void translate(MemorySegment s, long offset, int length) {
        Report r = report.wrap(s, offset, length);
        DropReason structure = r.checkStructure();
        // Length, version and opcode first; the primitive checks that checkStructure also makes
        // come after the store checks (2.5 order), with the store's limits.
        if (structure == DropReason.TRUNCATED || structure == DropReason.BAD_VERSION
                || structure == DropReason.UNKNOWN_OPCODE) {
            drop(structure, r);
            return;
        }
        int opcode = r.opcode();
        int storeId = r.storeId();
        StoreConfig st = t.store(storeId);
        if (st == null) {
            drop(DropReason.UNKNOWN_STORE, r);
            return;
        }
        if (st.kind != opcode) {
            drop(DropReason.KIND_MISMATCH, r);
            return;
        }
        DropReason primitive = checkPrimitive(r, st);
        if (primitive != DropReason.NONE) {
            drop(primitive, r);
            return;
        }
        byte[] key = null;
        int keyHash = 0;
        int bucket;
        switch (opcode) {
            case Report.OPCODE_APPEND -> bucket = (int) (r.list() & 0xFF);
            case Report.OPCODE_SKETCH_MERGE -> bucket = (int) ((r.column() >>> 4) & 0xFF);
            default -> {
                key = hash.key(s, r.keyOffset());
                keyHash = hash.keyHash(key);
                bucket = DtaHash.bucket(keyHash);
            }
        }
        int c = t.collector(storeId, bucket);
        if (c < 0) {
            drop(DropReason.NO_COLLECTOR, r);
            return;
        }
        QueuePairEntry qp = t.queuePair(c);
        if (qp == null || !regs.qpUp(c)) {
            drop(DropReason.QUEUE_PAIR_DOWN, r);
            return;
        }
        int n = requestOffsets(r, st, keyHash);
        if (n < 0) {
            drop(DropReason.LIST_OUT_OF_RANGE, r);
            return;
        }
        for (int i = 0; i < n; i++) {
            RegionEntry region = t.region(c, storeId, (int) (offsets[i] >>> SEGMENT_SHIFT));
            if (region == null) {
                drop(DropReason.NO_REGION, r);
                return;
            }
            regions[i] = region;
        }
        counters.count(Counters.REPORTS, opcode, length);
        boolean direct = opcode != Report.OPCODE_POSTCARD && opcode != Report.OPCODE_APPEND;
        if (direct && !room(c, n)) {
            windowFull(c, opcode, 1, n);
            return;
        }
        switch (opcode) {
            case Report.OPCODE_KEY_WRITE -> keyWrite(r, key, c, qp, n);
            case Report.OPCODE_KEY_INCREMENT -> {
                long delta = r.delta();
                for (int i = 0; i < n; i++) {
                    fetchAdd(c, qp, regions[i], offsets[i], delta, opcode, i == n - 1 ? 1 : 0);
                }
            }
            case Report.OPCODE_SKETCH_MERGE -> {
                for (int j = 0; j < n; j++) {
                    fetchAdd(c, qp, regions[j], offsets[j], r.sketchDelta(j), opcode, j == n - 1 ? 1 : 0);
                }
            }
            case Report.OPCODE_POSTCARD -> postcard(r, st, key, keyHash, s, c, qp);
            default -> append(r, st);
        }
    }

    /** The store-dependent checks of protocol.md 2.5 (codes 6 to 10), in order. */
    private static DropReason checkPrimitive(Report r, StoreConfig st) {
        switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> {
                if (r.valueLength() != st.unitBytes - 4) {
                    return DropReason.BAD_VALUE_LENGTH;
                }
                if (r.redundancy() > DtaHash.MAX_REPLICAS) {
                    return DropReason.REDUNDANCY_OUT_OF_RANGE;
                }
            }
            case Report.OPCODE_KEY_INCREMENT -> {
                if (r.redundancy() > DtaHash.MAX_REPLICAS || r.redundancy() > st.defaultN) {
                    return DropReason.REDUNDANCY_OUT_OF_RANGE;
                }
            }
            case Report.OPCODE_POSTCARD -> {
                int hops = r.pathLength() == 0 ? st.defaultN : r.pathLength();
                if (r.hop() >= hops || r.pathLength() > st.defaultN) {
                    return DropReason.HOP_OUT_OF_RANGE;
                }
            }
            case Report.OPCODE_APPEND -> {
                if (r.list() >= st.lists) {
                    return DropReason.LIST_OUT_OF_RANGE;
                }
            }
            default -> {
                int count = r.count();
                long column = r.column();
                if (r.row() >= st.defaultN || count == 0 || count > Report.MAX_SKETCH_COUNTERS
                        || column + count > st.size() || (column & 15) + count > 16) {
                    return DropReason.SKETCH_OUT_OF_RANGE;
                }
            }
        }
        return DropReason.NONE;
    }

    /**
     * The data offsets of the report's requests into {@link #offsets}; returns their number, or -1
     * when an Append list's tail slot is outside the tail register (a store whose tail_base puts it
     * past the end).
     */
    private int requestOffsets(Report r, StoreConfig st, int keyHash) {
        switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> {
                int n = r.redundancy() == 0 ? st.defaultN : r.redundancy();
                for (int i = 0; i < n; i++) {
                    offsets[i] = (DtaHash.index(keyHash, i, st.log2Size) & 0xFFFF_FFFFL) * st.unitBytes;
                }
                return n;
            }
            case Report.OPCODE_KEY_INCREMENT -> {
                int n = r.redundancy() == 0 ? st.defaultN : r.redundancy();
                for (int row = 0; row < n; row++) {
                    offsets[row] = (((long) row << st.log2Size) + (DtaHash.index(keyHash, row, st.log2Size) & 0xFFFF_FFFFL)) << 3;
                }
                return n;
            }
            case Report.OPCODE_SKETCH_MERGE -> {
                int n = r.count();
                long base = ((long) r.row() << st.log2Size) + r.column();
                for (int j = 0; j < n; j++) {
                    offsets[j] = (base + j) << 3;
                }
                return n;
            }
            case Report.OPCODE_POSTCARD -> {
                offsets[0] = (DtaHash.index(keyHash, 0, st.log2Size) & 0xFFFF_FFFFL) * st.unitBytes;
                return 1;
            }
            default -> {
                long slot = st.tailBase + r.list();
                if (slot >= tailSlots) {
                    return -1;
                }
                int tail = regs.appendTail((int) slot);
                offsets[0] = appendOffset(st, r.list(), tail);
                return 1;
            }
        }
    }

    private static long appendOffset(StoreConfig st, long list, int position) {
        long mask = st.size() - 1;
        return ((list << st.log2Size) + ((position & 0xFFFF_FFFFL) & mask)) << 3;
    }

    /**
     * Datagrams the report socket truncated (longer than {@link DropReason#MAX_DATAGRAM_BYTES}):
     * dropped unparsed, counted as {@code oversized} (protocol.md 2.5).
     */
    public void oversized(long datagrams) {
        counters.add(Counters.DROPS, DropReason.OVERSIZED.code(), datagrams);
        if (logOnce.pending(DropReason.OVERSIZED.code())) {
            logOnce.warn(DropReason.OVERSIZED.code(), "dropped {} report datagram(s) longer than {} bytes (oversized)", datagrams,
                    DropReason.MAX_DATAGRAM_BYTES);
        }
    }

    private void drop(DropReason reason, Report r) {
        counters.count(Counters.DROPS, reason.code());
        if (logOnce.pending(reason.code())) {
            logOnce.warn(reason.code(), "dropped a report ({}): version {}, opcode {}, store {}, {} bytes", reason.label(),
                    r.length() > 0 ? r.version() : -1, r.length() > 1 ? r.opcode() : -1,
                    r.length() > 3 ? r.storeId() : -1, r.length());
        }
    }

    // ---- Key-Write (6.1) ----

    private void keyWrite(Report r, byte[] key, int c, QueuePairEntry qp, int n) {
        int vlen = r.valueLength();
        MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, r.valueOffset(), value, 0, vlen);
        int tag = hash.keyWriteTag(key, value, 0, vlen);
        for (int i = 0; i < n; i++) {
            long frame = beginWrite(c, qp, regions[i], offsets[i], 4 + vlen);
            long p = writer.payloadOffset();
            MemorySegment seg = out.segment();
            Bytes.u32(seg, p, tag & 0xFFFF_FFFFL);
            MemorySegment.copy(value, 0, seg, ValueLayout.JAVA_BYTE, p + 4, vlen);
            finishRequest(c, qp, frame, writer.skip(4 + vlen).finish(), Report.OPCODE_KEY_WRITE, i == n - 1 ? 1 : 0);
        }
    }

    // ---- Postcard (6.3) ----

    private void postcard(Report r, StoreConfig st, byte[] key, int keyHash, MemorySegment s, int c, QueuePairEntry qp) {
        long hi = s.get(Bytes.U64, r.keyOffset());
        long lo = s.get(Bytes.U64, r.keyOffset() + 8);
        int hop = r.hop();
        int v = r.postcardValue();
        long cell = ((long) v << 32) | (hash.postcardCheck(key, hop, v) & 0xFFFF_FFFFL);
        int e = DtaHash.index(keyHash, 0, log2Cache);
        int bitmap = pcBitmap[e];
        boolean held = bitmap != 0;
        boolean sameFlow = held && pcKeyHi[e] == hi && pcKeyLo[e] == lo && pcStore[e] == st.storeId;
        boolean same = sameFlow && now - pcIdle.time(e) < t.settings().flushIntervalNanos();
        if (held && !same) {
            stats.increment((sameFlow ? EngineCounter.POSTCARD_IDLE_FLUSHES : EngineCounter.POSTCARD_EVICTIONS).ordinal());
            writeHeldRow(e);
        }
        if (!same) {
            pcKeyHi[e] = hi;
            pcKeyLo[e] = lo;
            pcStore[e] = st.storeId;
            pcPathLength[e] = r.pathLength() == 0 ? st.defaultN : r.pathLength();
            bitmap = 0;
        }
        pcCells[e * CACHE_CELLS + hop] = cell;
        if ((bitmap & (1 << hop)) != 0) {
            ledger.lost(Report.OPCODE_POSTCARD, 1, ReportLedger.LossReason.SUPERSEDED);
        } else {
            ledger.hold(Report.OPCODE_POSTCARD, 1);
        }
        bitmap |= 1 << hop;
        pcBitmap[e] = bitmap;
        int full = (1 << pcPathLength[e]) - 1;
        if ((bitmap & full) == full) {
            writeRow(st, c, qp, regions[0], offsets[0], bitmap, e);
            clearEntry(e);
        } else {
            pcIdle.touch(e, now);
        }
    }

    /** Writes the row of the flow held by cache entry e (evicted or idle) and empties the entry. */
    private void writeHeldRow(int e) {
        int bitmap = pcBitmap[e];
        MemorySegment k = MemorySegment.ofArray(heldKey);
        k.set(Bytes.U64, 0, pcKeyHi[e]);
        k.set(Bytes.U64, 8, pcKeyLo[e]);
        StoreConfig st = t.store(pcStore[e]);
        boolean written = false;
        if (st != null && st.kind == Report.OPCODE_POSTCARD) {
            int c = t.collector(st.storeId, hash.bucket(heldKey));
            QueuePairEntry qp = c < 0 ? null : t.queuePair(c);
            if (qp != null && regs.qpUp(c)) {
                long off = (hash.index(heldKey, 0, st.log2Size) & 0xFFFF_FFFFL) * st.unitBytes;
                RegionEntry region = t.region(c, st.storeId, (int) (off >>> SEGMENT_SHIFT));
                if (region != null) {
                    writeRow(st, c, qp, region, off, bitmap, e);
                    written = true;
                }
            }
        }
        if (!written) {
            int reports = Integer.bitCount(bitmap);
            ledger.release(Report.OPCODE_POSTCARD, reports);
            ledger.lost(Report.OPCODE_POSTCARD, reports, ReportLedger.LossReason.NOT_WRITABLE);
            stats.increment(EngineCounter.POSTCARD_ROWS_LOST.ordinal());
            if (logOnce.pending(LOG_HELD_LOST)) {
                logOnce.warn(LOG_HELD_LOST, "a held postcard row of store {} could not be written: its store, collector, "
                        + "queue pair or region is gone or down", pcStore[e]);
            }
        }
        clearEntry(e);
    }

    private void writeRow(StoreConfig st, int c, QueuePairEntry qp, RegionEntry region, long offset, int bitmap, int e) {
        int reports = Integer.bitCount(bitmap);
        ledger.release(Report.OPCODE_POSTCARD, reports);
        if (!room(c, 1)) {
            windowFull(c, Report.OPCODE_POSTCARD, reports, 1);
            return;
        }
        int cells = st.unitBytes >>> 3;
        long frame = beginWrite(c, qp, region, offset, st.unitBytes);
        long p = writer.payloadOffset();
        MemorySegment seg = out.segment();
        for (int h = 0; h < cells; h++) {
            seg.set(Bytes.U64, p + 8L * h, h < CACHE_CELLS && (bitmap & (1 << h)) != 0 ? pcCells[e * CACHE_CELLS + h] : 0L);
        }
        finishRequest(c, qp, frame, writer.skip(st.unitBytes).finish(), Report.OPCODE_POSTCARD, reports);
        stats.increment(EngineCounter.POSTCARD_ROWS.ordinal());
    }

    private void clearEntry(int e) {
        pcBitmap[e] = 0;
        pcIdle.remove(e);
    }

    // ---- Append (6.4) ----

    private void append(Report r, StoreConfig st) {
        long list = r.list();
        int slot = (int) (st.tailBase + list);
        int tail = regs.appendTail(slot);
        int held = apCount[slot];
        if (held != 0) {
            boolean idle = now - apIdle.time(slot) >= t.settings().flushIntervalNanos();
            boolean otherStore = apStore[slot] != st.storeId;
            boolean otherSegment = (appendOffset(st, list, tail - held) >>> SEGMENT_SHIFT) != (offsets[0] >>> SEGMENT_SHIFT);
            if (idle || otherStore || otherSegment) {
                if (idle) {
                    stats.increment(EngineCounter.APPEND_IDLE_FLUSHES.ordinal());
                }
                flushAppend(slot);
                held = 0;
            }
        }
        apValues[slot * AP_CELLS + held] = r.appendValue();
        apCount[slot] = held + 1;
        apStore[slot] = st.storeId;
        ledger.hold(Report.OPCODE_APPEND, 1);
        regs.appendTail(slot, tail + 1);
        int batch = Math.max(1, Math.min(AP_CELLS, st.batch));
        boolean ringEnd = ((tail + 1) & (st.size() - 1)) == 0;
        boolean segmentEnd = (appendOffset(st, list, tail + 1) & SEGMENT_MASK) == 0;
        if (held + 1 >= batch || ringEnd || segmentEnd) {
            flushAppend(slot);
        } else {
            apIdle.touch(slot, now);
        }
    }

    /** Writes the entries held for a tail slot (positions tail - held .. tail - 1) as one WRITE. */
    private void flushAppend(int slot) {
        int k = apCount[slot];
        if (k == 0) {
            return;
        }
        apCount[slot] = 0;
        apIdle.remove(slot);
        ledger.release(Report.OPCODE_APPEND, k);
        int first = regs.appendTail(slot) - k;
        StoreConfig st = t.store(apStore[slot]);
        if (st != null && st.kind == Report.OPCODE_APPEND && slot >= st.tailBase && slot - (long) st.tailBase < st.lists) {
            long list = slot - (long) st.tailBase;
            long off = appendOffset(st, list, first);
            int c = t.collector(st.storeId, (int) (list & 0xFF));
            QueuePairEntry qp = c < 0 ? null : t.queuePair(c);
            RegionEntry region = qp == null ? null : t.region(c, st.storeId, (int) (off >>> SEGMENT_SHIFT));
            if (region != null && regs.qpUp(c) && !room(c, 1)) {
                windowFull(c, Report.OPCODE_APPEND, k, 1);
                return;
            }
            if (region != null && regs.qpUp(c)) {
                long frame = beginWrite(c, qp, region, off, 8 * k);
                long p = writer.payloadOffset();
                MemorySegment seg = out.segment();
                for (int i = 0; i < k; i++) {
                    Bytes.u32(seg, p + 8L * i, (first + 1 + i) & 0xFFFF_FFFFL);
                    Bytes.u32(seg, p + 8L * i + 4, apValues[slot * AP_CELLS + i] & 0xFFFF_FFFFL);
                }
                finishRequest(c, qp, frame, writer.skip(8 * k).finish(), Report.OPCODE_APPEND, k);
                stats.increment(EngineCounter.APPEND_BATCHES.ordinal());
                return;
            }
        }
        stats.add(EngineCounter.APPEND_ENTRIES_LOST.ordinal(), k);
        ledger.lost(Report.OPCODE_APPEND, k, ReportLedger.LossReason.NOT_WRITABLE);
        if (logOnce.pending(LOG_HELD_LOST)) {
            logOnce.warn(LOG_HELD_LOST, "{} held Append entries of tail slot {} could not be written: their store, collector, "
                    + "queue pair or region is gone or down", k, slot);
        }
    }

    // ---- Requests (5.1, 5.6, 6.6) ----

    /** The next PSN of collector c; starts the probe interval when nothing was outstanding. */
    private int takePsn(int c) {
        int psn = regs.nextPsn(c);
        if (((psn - 1 - regs.lastAcked(c)) & Bth.PSN_MASK) == 0) {
            qpTimer[c] = now;
            progressAt[c] = now;
            sendNext[c] = psn;
            highestSent[c] = psn;
        }
        resolved[c] = IN_FLIGHT;
        regs.nextPsn(c, psn + 1);
        return psn;
    }

    private boolean ackRequest(int psn) {
        return (psn & t.settings().ackMask()) == 0;
    }

    /** Starts a WRITE Only of {@code length} payload bytes at data offset {@code offset}; returns the frame offset. */
    private long beginWrite(int c, QueuePairEntry qp, RegionEntry region, long offset, int length) {
        long frame = claim();
        int psn = takePsn(c);
        writer.begin(out.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_WRITE_ONLY, qp.remoteQpn(), psn, ackRequest(psn))
                .reth(region.va() + (offset & SEGMENT_MASK), region.rkey(), length);
        return frame;
    }

    private void fetchAdd(int c, QueuePairEntry qp, RegionEntry region, long offset, long add, int primitive, int reports) {
        long frame = claim();
        int psn = takePsn(c);
        int len = writer.fetchAdd(out.segment(), frame, qp.route(), qp.remoteQpn(), psn, ackRequest(psn),
                region.va() + (offset & SEGMENT_MASK), region.rkey(), add);
        finishRequest(c, qp, frame, len, primitive, reports);
    }

    /**
     * Counts a built request (the one just given PSN next - 1), keeps it in the ring with the
     * reports it carries, and lets the queue pair's route decide where it goes.
     */
    private void finishRequest(int c, QueuePairEntry qp, long frame, int length, int primitive, int reports) {
        counters.count(Counters.QP_SENT, c, length);
        int psn = (regs.nextPsn(c) - 1) & Bth.PSN_MASK;
        ring.record(c, psn, out.segment(), frame, length, primitive, reports);
        ledger.sent(primitive, reports);
        if (!requester.retransmit() || (psn == sendNext[c] && transmitted(c) < sendWindow())) {
            sendNext[c] = (psn + 1) & Bth.PSN_MASK;
            highestSent[c] = sendNext[c];
            egress(qp.egress(), frame, length, TranslatorP4Names.CPU_PORT);
        }
        // Else it waits in the ring: acknowledgements open the send window (pump).
    }

    /**
     * A PSN query (protocol.md 5.6): a zero-length RDMA WRITE Only with AckReq at PSN last
     * acknowledged, a PSN the responder has executed. A duplicate WRITE is not executed again and
     * is answered by an ACK with the responder's expected PSN - 1 (5.5 step 3; rxe and NICs do the
     * same), so the answer says exactly where to go back to, whatever replies were lost. It takes
     * no PSN and is not kept in the ring.
     */
    private void psnQuery(int c, QueuePairEntry qp) {
        long frame = claim();
        int len = writer.begin(out.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_WRITE_ONLY, qp.remoteQpn(), regs.lastAcked(c),
                true).reth(0, 0, 0).finish();
        querying[c] = true;
        queryNext[c] = sendNext[c];
        queriedAt[c] = now;
        stats.increment(EngineCounter.PSN_QUERIES.ordinal());
        egress(qp.egress(), frame, len, TranslatorP4Names.CPU_PORT);
    }

    /**
     * An ACK with PSN {@code psn} arrived: if it answers a PSN query and the responder lacks
     * requests transmitted before the query (which reached it first: one path, in order), they
     * and everything after them were not executed: go back to {@code psn + 1}. Only a plain ACK
     * can answer (the query is a WRITE): an ATOMIC ACK, possibly a replay of a cached result,
     * would send the requester back to FETCH_ADDs the responder executed and may no longer replay
     * (it drops those silently).
     */
    private void answered(int c, int op, int psn) {
        if (querying[c] && op == RoceOpcode.RC_ACKNOWLEDGE) {
            querying[c] = false;
            int missing = (queryNext[c] - 1 - psn) & Bth.PSN_MASK;
            if (missing != 0 && missing <= ring.size()) {
                goBackN(c, t.queuePair(c), (psn + 1) & Bth.PSN_MASK);
            }
        }
    }

    /** Requests transmitted and not acknowledged (retransmitting requester). */
    private int transmitted(int c) {
        return (sendNext[c] - 1 - regs.lastAcked(c)) & Bth.PSN_MASK;
    }

    /**
     * Requests transmitted and not acknowledged at most: the whole window. (A smaller send window
     * paced go-back-N bursts, but capped throughput at window / RTT, and the RTT on a loaded
     * machine reached hundreds of milliseconds; see docs/reliability.md.)
     */
    private int sendWindow() {
        return ring.size() - 1;
    }

    /**
     * Transmits the requests waiting in the ring, in PSN order, while the send window has room:
     * after a go-back-N, or when an acknowledgement opened the window.
     */
    private void pump(int c, QueuePairEntry qp) {
        if (qp == null || !regs.qpUp(c)) {
            return;
        }
        int limit = sendWindow();
        int next = regs.nextPsn(c);
        while (sendNext[c] != next && transmitted(c) < limit) {
            int p = sendNext[c];
            sendNext[c] = (p + 1) & Bth.PSN_MASK;
            long frame = claim();
            int length = ring.copy(c, p, out.segment(), frame);
            if (length == 0) {
                continue; // not kept (cannot happen: RequestRing.FRAME_BYTES holds the largest request)
            }
            int d = (highestSent[c] - p) & Bth.PSN_MASK;
            if (d != 0 && d <= ring.size()) {
                stats.increment(EngineCounter.RETRANSMITTED.ordinal());
            } else {
                highestSent[c] = sendNext[c];
            }
            egress(qp.egress(), frame, length, TranslatorP4Names.CPU_PORT);
        }
    }

    /** Requests sent and not yet acknowledged on collector c's queue pair. */
    private int outstandingCount(int c) {
        return (regs.nextPsn(c) - 1 - regs.lastAcked(c)) & Bth.PSN_MASK;
    }

    /**
     * Whether {@code n} more requests fit in the window: at most window - 1 outstanding, of which
     * the last {@link #MAX_PROBES} are kept for probes (a full window must still be probed).
     */
    private boolean room(int c, int n) {
        return outstandingCount(c) + n <= ring.size() - 1 - MAX_PROBES;
    }

    /** Reports not sent because collector c's window was full: lost, counted by primitive. */
    private void windowFull(int c, int primitive, int reports, int requests) {
        ledger.lost(primitive, reports, ReportLedger.LossReason.RETRANSMIT_WINDOW);
        stats.add(EngineCounter.LOST_RETRANSMIT_WINDOW.ordinal(), requests);
        if (logOnce.pending(LOG_WINDOW_FULL)) {
            logOnce.warn(LOG_WINDOW_FULL, "collector {}: {} requests outstanding, the retransmit window ({}) is full: reports are "
                    + "dropped and counted (lost_retransmit_window) until it acknowledges", c, outstandingCount(c), ring.size());
        }
    }

    /** Everything up to {@code psn} arrived: the reports its requests carry are applied. */
    private void acknowledge(int c, int psn) {
        int from = regs.lastAcked(c);
        int k = Math.min((psn - from) & Bth.PSN_MASK, ring.size()); // within the window (checked by the caller)
        for (int i = 1; i <= k; i++) {
            int p = (from + i) & Bth.PSN_MASK;
            ledger.acknowledged(ring.primitive(c, p), ring.reports(c, p));
        }
        regs.lastAcked(c, psn);
        progressAt[c] = now;
        if (requester.retransmit()) {
            if (transmitted(c) >= ring.size()) {
                sendNext[c] = (psn + 1) & Bth.PSN_MASK; // acknowledged beyond what a go-back-N had taken back
            }
            pump(c, t.queuePair(c));
        }
    }

    /** The requests from {@code from} to next PSN - 1 are lost for {@code reason}. */
    private void loseOutstanding(int c, int from, ReportLedger.LossReason reason) {
        int k = Math.min((regs.nextPsn(c) - from) & Bth.PSN_MASK, ring.size());
        for (int i = 0; i < k; i++) {
            int p = (from + i) & Bth.PSN_MASK;
            ledger.lostInFlight(ring.primitive(c, p), ring.reports(c, p), reason);
        }
    }

    /**
     * Go-back-N (protocol.md 5.6): transmits again from {@code from}, from the ring, unchanged and
     * in order, as the send window allows (the rest follows as acknowledgements come). The
     * responder executes those it has not, ACKs duplicate WRITEs with its expected PSN - 1 and
     * replays duplicate FETCH_ADDs from its atomic-result cache.
     */
    private void goBackN(int c, QueuePairEntry qp, int from) {
        querying[c] = false; // an answer to a query sent before this would be stale
        sendNext[c] = from;
        progressAt[c] = now;
        pump(c, qp);
    }

    /** The output slot the next frame is built in (flushes a full batch first). */
    private long claim() {
        if (outCount == out.capacity()) {
            flush();
        }
        return out.frameOffset(outCount);
    }

    /** Sends (commits the slot), hands to the controller, or drops the frame just built at {@code frame}. */
    private void egress(RouteAction action, long frame, int length, int ingressPort) {
        switch (action) {
            case FORWARD -> {
                out.length(outCount, length);
                outCount++;
            }
            case TO_CPU -> {
                stats.increment(EngineCounter.ROUTE_TO_CPU.ordinal());
                packetIn(TranslatorP4Names.REASON_TO_CPU, ingressPort, out.segment(), frame, length, false);
            }
            default -> {
                stats.increment(EngineCounter.ROUTE_DROPS.ordinal());
                if (logOnce.pending(LOG_ROUTE)) {
                    logOnce.warn(LOG_ROUTE, "a packet to {} was dropped by ipv4_routes ({}): write a route that forwards to "
                            + "port 1", net.dta.packetio.Ipv4.format(out.segment().get(Bytes.U32, frame + 30)),
                            action == RouteAction.NO_SUCH_PORT ? "a port the software translator does not have" : "no route or drop");
                }
            }
        }
    }

    /** Hands the frames built so far to the sink. */
    public void flush() {
        if (outCount == 0) {
            return;
        }
        int n = outCount;
        outCount = 0;
        int sent = sink.send(out, n);
        stats.add(EngineCounter.REQUESTS_SENT.ordinal(), sent);
        if (sent < n) {
            stats.add(EngineCounter.SEND_FAILURES.ordinal(), n - sent);
            if (logOnce.pending(LOG_SEND)) {
                logOnce.warn(LOG_SEND, "the socket accepted {} of {} frames", sent, n);
            }
        }
    }

    // =====================================================================================
    // Replies and other RoCEv2 to the translator (translator-control.md 1, 3; protocol.md 5.6)
    // =====================================================================================

    /** One frame from the RoCEv2 socket. */
    public void roce(MemorySegment s, long frame, int length) {
        stats.increment(EngineCounter.ROCE_RECEIVED.ordinal());
        MalformedReason m = packet.parse(s, frame, length, verifyIcrc);
        if (m != MalformedReason.OK) {
            malformed.increment(m.ordinal());
            stats.increment((m == MalformedReason.BAD_ICRC ? EngineCounter.ROCE_BAD_ICRC : EngineCounter.ROCE_MALFORMED).ordinal());
            if (logOnce.pending(LOG_MALFORMED)) {
                logOnce.warn(LOG_MALFORMED, "dropped a RoCEv2 packet to the translator: {}", m.label());
            }
            return;
        }
        int destination = packet.ip().destination();
        if (!t.isLocal(destination)) {
            stats.increment(EngineCounter.ROCE_NOT_LOCAL.ordinal());
            if (logOnce.pending(LOG_NOT_LOCAL)) {
                logOnce.warn(LOG_NOT_LOCAL, "dropped a RoCEv2 packet to {}: not in dta_local_addresses (the controller must "
                        + "write the translator's addresses there)", net.dta.packetio.Ipv4.format(destination));
            }
            return;
        }
        int op = packet.opcode().code();
        int qpn = packet.bth().destQp();
        if (op == RoceOpcode.UD_SEND_ONLY && qpn == 1) {
            packetIn(TranslatorP4Names.REASON_CM_MAD, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            return;
        }
        int c = qpn & 0xFF;
        if ((qpn >>> 8) != 1 || t.queuePair(c) == null) {
            packetIn(TranslatorP4Names.REASON_UNKNOWN_QUEUE_PAIR, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            return;
        }
        if (packet.ip().source() != t.queuePair(c).collectorIp()) {
            // Replies count only from the queue pair's collector (protocol.md 5.6): a spoofed NAK
            // must not rewind the PSN, a spoofed READ response must not keep a dead queue pair alive.
            stats.increment(EngineCounter.REPLIES_WRONG_SOURCE.ordinal());
            if (logOnce.pending(LOG_SPOOFED)) {
                logOnce.warn(LOG_SPOOFED, "ignored a {} for queue pair 0x{} from {}: not its collector's address",
                        packet.opcode().name(), Integer.toHexString(qpn), net.dta.packetio.Ipv4.format(packet.ip().source()));
            }
            return;
        }
        if (op >= RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST && op <= RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY) {
            if (!regs.qpUp(c)) {
                // The controller's own READs (catalog, Append rings) run while the queue pair is down.
                packetIn(TranslatorP4Names.REASON_READ_RESPONSE, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            } else if (op == RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY) {
                if (outstanding(c, packet.bth().psn())) {
                    probeAnswered(c, packet.bth().psn());
                } else {
                    outsideWindow(c);
                }
            } else {
                stats.increment(EngineCounter.UNEXPECTED_READ_RESPONSES.ordinal());
            }
            return;
        }
        if (op == RoceOpcode.RC_ACKNOWLEDGE || op == RoceOpcode.RC_ATOMIC_ACKNOWLEDGE) {
            reply(c, op, packet.bth().psn(), packet.aeth().syndrome(), s, frame, length);
            return;
        }
        packetIn(TranslatorP4Names.REASON_TO_CPU, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
    }

    /**
     * Whether {@code psn} is one of the PSNs sent and not yet acknowledged: (last acked, next PSN).
     * Only such a PSN can be ACKed, NAKed as an error or answered by a READ response.
     */
    private boolean outstanding(int c, int psn) {
        int window = (regs.nextPsn(c) - 1 - regs.lastAcked(c)) & Bth.PSN_MASK;
        int d = (psn - regs.lastAcked(c)) & Bth.PSN_MASK;
        return d >= 1 && d <= window;
    }

    private void outsideWindow(int c) {
        stats.increment(EngineCounter.REPLIES_OUTSIDE_WINDOW.ordinal());
        if (logOnce.pending(LOG_OUTSIDE_WINDOW)) {
            logOnce.warn(LOG_OUTSIDE_WINDOW, "ignored a {} for collector {} at PSN 0x{}: not among the PSNs outstanding "
                    + "(0x{}..0x{}): spoofed or stale", packet.opcode().name(), c, Integer.toHexString(packet.bth().psn()),
                    Integer.toHexString((regs.lastAcked(c) + 1) & Bth.PSN_MASK),
                    Integer.toHexString((regs.nextPsn(c) - 1) & Bth.PSN_MASK));
        }
    }

    private void reply(int c, int op, int psn, int syndrome, MemorySegment s, long frame, int length) {
        int kind = (syndrome >>> 5) & 0x7;
        int npsn = regs.nextPsn(c);
        // Sequence NAK: the expected PSN e is in (last acked, next PSN]; e = next PSN loses nothing.
        // Everything else names a PSN sent and not yet acknowledged. Outside that window the reply
        // is spoofed or stale, and a resync from it could count up to 2^24 lost requests.
        boolean sequenceNak = kind == 3 && (syndrome & 0x1F) == 0;
        if (kind == 0 && psn == regs.lastAcked(c) && regs.qpUp(c)) {
            // Nothing new acknowledged: the answer to a duplicate (a PSN query, or a retransmitted
            // request the responder had executed). The responder is alive and expects psn + 1.
            stats.increment(EngineCounter.DUPLICATE_ACKS.ordinal());
            qpTimer[c] = now;
            probesOut[c] = 0;
            answered(c, op, psn);
            return;
        }
        if (!(outstanding(c, psn) || (sequenceNak && psn == npsn))) {
            outsideWindow(c);
            return;
        }
        if (!regs.qpUp(c)) {
            if (kind == 0) {
                lateAck(c, psn);
            }
            return; // the queue pair was counted down; the controller reconnects it
        }
        if (kind == 0) {
            // ACK or ATOMIC ACK: everything up to its PSN arrived.
            counters.count(Counters.QP_ACKS, c);
            stats.increment(EngineCounter.ACKS.ordinal());
            // Never moves the next PSN: only a PSN-sequence NAK does (a late ACK must not rewind it).
            acknowledge(c, psn);
            answered(c, op, psn);
        } else if (kind == 3) {
            counters.count(Counters.QP_NAKS, c * 4 + (syndrome & 3));
            stats.increment(EngineCounter.NAKS.ordinal());
            if ((syndrome & 0x1F) == 0) {
                // PSN sequence error: everything before e arrived, nothing from e on was executed.
                acknowledge(c, (psn - 1) & Bth.PSN_MASK);
                querying[c] = false;
                if (requester.retransmit()) {
                    goBackN(c, t.queuePair(c), psn);
                } else {
                    // A switch requester goes on from e; what was sent from there on is lost (at
                    // most the PSNs outstanding, by the window check above).
                    int lost = (npsn - psn) & Bth.PSN_MASK;
                    loseOutstanding(c, psn, ReportLedger.LossReason.RESYNC);
                    regs.addLost(c, lost);
                    stats.add(EngineCounter.LOST_RESYNC.ordinal(), lost);
                    regs.nextPsn(c, psn);
                    counters.count(Counters.QP_RESYNCS, c);
                }
            } else {
                // The responder put the queue pair in error: down, and tell the controller.
                queuePairDown(c);
                stats.increment(EngineCounter.QP_ERRORS.ordinal());
                LOG.warn("queue pair to collector {} is down: NAK syndrome 0x{} at PSN 0x{}", c, Integer.toHexString(syndrome),
                        Integer.toHexString(psn));
                packetIn(TranslatorP4Names.REASON_QUEUE_PAIR_ERROR, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            }
        } else {
            stats.increment(EngineCounter.RNR_NAKS.ordinal());
        }
        qpTimer[c] = now;
        probesOut[c] = 0;
    }

    private void packetIn(int reason, int ingressPort, MemorySegment s, long frame, int length, boolean received) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, frame, bytes, 0, length);
        if (received && translatorMac != 0) {
            // Sockets do not show MACs: the frame was addressed to the translator.
            MemorySegment.ofArray(bytes).set(Bytes.U32, 0, (int) (translatorMac >>> 16));
            MemorySegment.ofArray(bytes).set(Bytes.U16, 4, (short) translatorMac);
        }
        if (packetIns.packetIn(reason, bytes, ingressPort)) {
            stats.increment(EngineCounter.PACKET_IN_SENT.ordinal());
        } else {
            stats.increment(EngineCounter.PACKET_IN_DROPPED.ordinal());
        }
    }

    // =====================================================================================
    // PacketOut (translator-control.md 3)
    // =====================================================================================

    /** A frame from the controller: egress port 0 routes it by its IPv4 destination, 1 sends it unchanged. */
    public void packetOut(byte[] frame, int egressPort) {
        stats.increment(EngineCounter.PACKET_OUT_RECEIVED.ordinal());
        if (frame.length < EthernetHeader.LENGTH || frame.length > out.slotBytes()) {
            packetOutDropped("a frame of " + frame.length + " bytes (14.." + out.slotBytes() + " can be sent)");
            return;
        }
        long at = claim();
        MemorySegment seg = out.segment();
        MemorySegment.copy(frame, 0, seg, ValueLayout.JAVA_BYTE, at, frame.length);
        boolean ipv4 = frame.length >= EthernetHeader.LENGTH + 20
                && Bytes.u16(seg, at + EthernetHeader.ETHER_TYPE_OFFSET) == EthernetHeader.ETHER_TYPE_IPV4;
        RouteAction action;
        if (egressPort == 0) {
            if (!ipv4) {
                packetOutDropped("egress port 0 (route it) with a frame that is not IPv4");
                return;
            }
            Route route = t.route(seg.get(Bytes.U32, at + EthernetHeader.LENGTH + 16));
            action = route.action();
            if (action == RouteAction.FORWARD) {
                ethernet.wrap(seg, at).destination(route.destinationMac()).source(route.sourceMac());
            }
        } else if (egressPort == TranslatorP4Names.NETWORK_PORT) {
            action = RouteAction.FORWARD;
        } else {
            packetOutDropped("egress port " + egressPort + " (the software translator has port 1, and 0 to route)");
            return;
        }
        if (action == RouteAction.FORWARD && !sendable(seg, at, frame.length, ipv4)) {
            return;
        }
        if (action == RouteAction.FORWARD) {
            stats.increment(EngineCounter.PACKET_OUT_SENT.ordinal());
        }
        egress(action, at, frame.length, TranslatorP4Names.CPU_PORT);
    }

    /** Whether the sockets can send the frame: raw mode sends IPv4, UDP mode only UDP over IPv4 without options. */
    private boolean sendable(MemorySegment seg, long at, int length, boolean ipv4) {
        if (!ipv4) {
            packetOutDropped("a frame that is not IPv4 (the translator's raw socket sends IPv4 only)");
            return false;
        }
        if (udpMode) {
            long ip = at + EthernetHeader.LENGTH;
            boolean udp = Bytes.u8(seg, ip) == 0x45 && Bytes.u8(seg, ip + 9) == 17 && (Bytes.u16(seg, ip + 6) & 0x3FFF) == 0
                    && length >= EthernetHeader.LENGTH + 28;
            if (!udp) {
                packetOutDropped("a frame that is not unfragmented UDP over IPv4 without options (UDP mode sends UDP payloads only)");
                return false;
            }
        }
        return true;
    }

    private void packetOutDropped(String why) {
        stats.increment(EngineCounter.PACKET_OUT_DROPPED.ordinal());
        if (logOnce.pending(LOG_PACKET_OUT)) {
            logOnce.warn(LOG_PACKET_OUT, "dropped a PacketOut: {}", why);
        }
    }

    // =====================================================================================
    // Timers: idle flushes (6.3, 6.4) and liveness probes (5.6)
    // =====================================================================================

    /** Runs the timers at the engine's current time ({@link #refresh}). */
    public void tick() {
        long flush = t.settings().flushIntervalNanos();
        for (int e = pcIdle.head(); e >= 0 && now - pcIdle.time(e) >= flush; e = pcIdle.head()) {
            stats.increment(EngineCounter.POSTCARD_IDLE_FLUSHES.ordinal());
            writeHeldRow(e);
        }
        for (int slot = apIdle.head(); slot >= 0 && now - apIdle.time(slot) >= flush; slot = apIdle.head()) {
            stats.increment(EngineCounter.APPEND_IDLE_FLUSHES.ordinal());
            flushAppend(slot);
        }
        long probe = t.settings().probeIntervalNanos();
        for (int c : t.collectorsWithQueuePairs()) {
            if (!regs.qpUp(c)) {
                continue;
            }
            if (outstandingCount(c) == 0) {
                continue;
            }
            boolean probeDue = now - qpTimer[c] >= probe;
            if (probeDue && probesOut[c] >= MAX_PROBES) {
                probe(c, t.queuePair(c)); // takes the queue pair down: nothing to resend
                continue;
            }
            if (requester.retransmit() && now - progressAt[c] >= requester.timeoutNanos()) {
                // No acknowledgement for the retransmit timeout: a lost request at the tail, a lost
                // NAK or ACK, or a lost retransmission. Ask where the responder is, then go back there.
                stats.increment(EngineCounter.RETRANSMIT_TIMEOUTS.ordinal());
                progressAt[c] = now;
                // One at a time: a second would make a late answer to the first look like its own. A
                // query unanswered for a probe interval is taken as lost.
                if (!querying[c] || now - queriedAt[c] >= Math.max(probe, 4 * requester.timeoutNanos())) {
                    psnQuery(c, t.queuePair(c));
                }
            }
            if (probeDue) {
                probe(c, t.queuePair(c));
            }
        }
    }

    /**
     * Takes a queue pair down: whatever was sent on it and not acknowledged is lost, counted here
     * (the controller re-connects with fresh PSNs, nothing outstanding will be answered).
     */
    private void queuePairDown(int c) {
        int outstanding = outstandingCount(c);
        loseOutstanding(c, (regs.lastAcked(c) + 1) & Bth.PSN_MASK, ReportLedger.LossReason.QUEUE_PAIR_DOWN);
        resolved[c] = RESOLVED_DOWN;
        regs.addLost(c, outstanding);
        stats.add(EngineCounter.LOST_QUEUE_PAIR_DOWN.ordinal(), outstanding);
        regs.qpUp(c, false);
    }

    /**
     * An ACK that arrives after its queue pair went down (it was in flight): the requests it
     * acknowledges were executed, not lost; take them back out of the loss counted at the down.
     */
    private void lateAck(int c, int psn) {
        int executed = (psn - regs.lastAcked(c)) & Bth.PSN_MASK;
        if (resolved[c] == RESOLVED_DOWN) {
            for (int i = 1; i <= Math.min(executed, ring.size()); i++) {
                int p = (regs.lastAcked(c) + i) & Bth.PSN_MASK;
                ledger.foundApplied(ring.primitive(c, p), ring.reports(c, p));
            }
        }
        regs.addLost(c, -executed);
        stats.add(EngineCounter.LOST_QUEUE_PAIR_DOWN.ordinal(), -executed);
        regs.lastAcked(c, psn);
    }

    /**
     * A READ Response Only on a queue pair that is up answers a probe (5.6): alive, and everything
     * up to the probe arrived. Unambiguous, since nothing else READs on an up queue pair.
     */
    private void probeAnswered(int c, int psn) {
        acknowledge(c, psn);
        stats.increment(EngineCounter.PROBE_ANSWERS.ordinal());
        qpTimer[c] = now;
        probesOut[c] = 0;
    }

    /** A liveness probe (5.6): a zero-length RDMA READ at the next PSN, or, after three unanswered, down. */
    private void probe(int c, QueuePairEntry qp) {
        if (probesOut[c] >= MAX_PROBES) {
            // Three probes went unanswered: the queue pair is down; the controller gets the probe
            // that would have been the fourth.
            queuePairDown(c);
            stats.increment(EngineCounter.QP_TIMEOUTS.ordinal());
            if (logOnce.pending(LOG_QP_DOWN)) {
                logOnce.warn(LOG_QP_DOWN, "queue pair to collector {} is down: {} probes went unanswered", c, MAX_PROBES);
            }
            // The notice is the probe that would have been the fourth; it carries the next PSN without taking it.
            int next = regs.nextPsn(c);
            int len = writer.begin(scratch, 0, qp.route(), RoceOpcode.RC_RDMA_READ_REQUEST, qp.remoteQpn(), next,
                    ackRequest(next)).reth(0, 0, 0).finish();
            probesOut[c] = 0;
            packetIn(TranslatorP4Names.REASON_QUEUE_PAIR_TIMEOUT, TranslatorP4Names.CPU_PORT, scratch, 0, len, false);
            return;
        }
        probesOut[c]++;
        counters.count(Counters.QP_PROBES, c);
        long frame = claim();
        int psn = takePsn(c);
        qpTimer[c] = now;
        int len = writer.begin(out.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_READ_REQUEST, qp.remoteQpn(), psn,
                ackRequest(psn)).reth(0, 0, 0).finish();
        finishRequest(c, qp, frame, len, 0, 0);
    }

    // =====================================================================================
    // Control-plane hooks (run on the data-plane thread, between batches)
    // =====================================================================================

    /** Before a register write takes effect: a (re)connected queue pair starts afresh; a tail write first flushes what is held. */
    public void registerWrite(RegisterWrite w) {
        refresh();
        switch (w.register()) {
            case Registers.NEXT_PSN, Registers.LAST_ACKED_PSN, Registers.QP_UP -> {
                int c = w.index();
                if (w.register() != Registers.QP_UP && resolved[c] == IN_FLIGHT) {
                    // New PSNs: what was in flight will never be answered on them.
                    loseOutstanding(c, (regs.lastAcked(c) + 1) & Bth.PSN_MASK, ReportLedger.LossReason.RESET);
                    resolved[c] = RESOLVED_RESET;
                }
                probesOut[c] = 0;
                qpTimer[c] = now;
                progressAt[c] = now;
                querying[c] = false;
            }
            case Registers.APPEND_TAIL -> flushAppend(w.index());
            default -> {
                // lost packets: a plain value
            }
        }
    }

    /** A new pipeline: nothing held survives. */
    public void reset() {
        outCount = 0;
        for (int e = pcIdle.head(); e >= 0; e = pcIdle.head()) {
            clearEntry(e);
        }
        for (int slot = apIdle.head(); slot >= 0; slot = apIdle.head()) {
            apCount[slot] = 0;
            apIdle.remove(slot);
        }
        java.util.Arrays.fill(probesOut, 0);
        java.util.Arrays.fill(resolved, RESOLVED_RESET);
        java.util.Arrays.fill(querying, false);
        ledger.clear();
        refresh();
    }

    public void close() {
        ring.close();
        out.close();
        arena.close();
    }
}
