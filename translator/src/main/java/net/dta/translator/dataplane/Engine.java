package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.StoreChecks;
import net.dta.rdma.wire.MalformedReason;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.RegionEntry;
import net.dta.translator.pipeline.RegisterWrite;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.StoreConfig;
import net.dta.translator.pipeline.Tables;

/**
 * The translator's data path, without sockets: a report in, RoCEv2 requests out (protocol.md 2.5
 * and 6); a reply in, queue-pair state updated (5.6); PacketOut frames routed; timers for idle
 * flushes and liveness probes. It is the executable reference the P4 programs are checked against:
 * the same checks in the same order, the same counters, the same requests in the same order.
 *
 * <p>This class is the report ingress (the checks of 2.5 in order, then the collector, queue pair,
 * offsets and regions of 6) and the façade over the parts that hold the rest of the state: the
 * {@link PostcardCache}, the {@link AppendBatcher}, the {@link Requester} (queue pairs), the
 * {@link Egress} (output frames, PacketIns), {@link RoceIngress} and the {@link PacketOutRouter}.
 *
 * <p>One thread (the data plane's) calls every method; nothing on the per-packet path allocates.
 * Frames are built in place in an output batch that {@link #flush} hands to the {@link FrameSink};
 * PacketIns (control path) are copied out to the {@link PacketInSink}.
 */
public final class Engine {
    private static final int MAX_REQUESTS = 16;

    private final EngineState x;
    private final Egress egress;
    private final Requester requester;
    private final PostcardCache postcards;
    private final AppendBatcher appends;
    private final RoceIngress roce;
    private final PacketOutRouter packetOuts;

    private final Report report = new Report();
    private final DtaHash hash = new DtaHash();
    private final byte[] value = new byte[28];
    private final long[] offsets = new long[MAX_REQUESTS];
    private final RegionEntry[] regions = new RegionEntry[MAX_REQUESTS];
    /** The key of the report being translated (DtaHash's scratch array) and its hash; unset for Append and Sketch-Merge. */
    private byte[] key;
    private int keyHash;

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
        this.x = new EngineState(pipeline, clock);
        this.egress = new Egress(x, sink, packetIns, translatorMac, batchSize);
        this.requester = new Requester(x, egress, requester);
        this.postcards = new PostcardCache(x, this.requester, postcardCacheEntries);
        this.appends = new AppendBatcher(x, this.requester);
        this.roce = new RoceIngress(x, this.requester, egress, verifyIcrc);
        this.packetOuts = new PacketOutRouter(x, egress, udpMode);
    }

    /** Takes the current table snapshot and time; call before each batch of packets. */
    public void refresh() {
        x.refresh();
    }

    public long now() {
        return x.now;
    }

    /**
     * Collector c's send window (requests) and retransmit timeout (ns) as the retransmitter sees
     * them now (protocol.md 5.6); read from another thread, a snapshot that may be a moment old.
     */
    public long[] sendWindowAndTimeout(int c) {
        return new long[] {requester.retransmitter().sendWindow(c), requester.retransmitter().timeoutNanos(c)};
    }

    public long stat(EngineCounter c) {
        return x.stats.get(c.ordinal());
    }

    public long malformed(MalformedReason reason) {
        return roce.malformed(reason);
    }

    /** Postcard cache entries holding a flow (approximate when read from another thread). */
    public int postcardEntriesHeld() {
        return postcards.held();
    }

    /** Where the accepted reports are, per primitive. */
    public ReportLedger ledger() {
        return x.ledger;
    }

    public RequesterSettings requester() {
        return requester.settings();
    }

    /** Append lists with a partial batch held. */
    public int appendBatchesHeld() {
        return appends.held();
    }

    // =====================================================================================
    // Reports (protocol.md 2.5 then 6)
    // =====================================================================================

    /** One report: the UDP payload of a datagram to the report port. */
    public void report(MemorySegment s, long offset, int length) {
        x.count(EngineCounter.REPORT_DATAGRAMS);
        translate(s, offset, length);
    }

    /**
     * One report that did not arrive in a datagram of its own (converted from INT by the INT ingest,
     * docs/int.md): the same checks, counters and requests as {@link #report}.
     */
    public void translate(MemorySegment s, long offset, int length) {
        // Kept in small steps (each below C2's FreqInlineSize): one large method stays in profiled C1
        // code for seconds when a new primitive's first report deoptimises it (docs/performance.md,
        // "The slow mode"); small ones are inlined into the loop and recompile quickly.
        Report r = report.wrap(s, offset, length);
        // 2.5 steps 1-3 (header), 4-5 (store), then 6: collector, queue pair, region.
        DropReason header = r.checkHeader();
        if (header != DropReason.NONE) {
            drop(header, r);
            return;
        }
        StoreConfig st = x.t.store(r.storeId());
        DropReason store = StoreChecks.check(r, st == null ? null : st.layout);
        if (store != DropReason.NONE) {
            drop(store, r);
            return;
        }
        route(r, st, bucket(r, s), length);
    }

    /** The report's bucket (6); for keyed primitives also {@link #key} and {@link #keyHash}. */
    private int bucket(Report r, MemorySegment s) {
        switch (r.opcode()) {
            case Report.OPCODE_APPEND -> {
                return (int) (r.list() & 0xFF);
            }
            case Report.OPCODE_SKETCH_MERGE -> {
                return (int) ((r.column() >>> 4) & 0xFF);
            }
            default -> {
                key = hash.key(s, r.keyOffset());
                keyHash = hash.keyHash(key);
                return DtaHash.bucket(keyHash);
            }
        }
    }

    /** Collector, queue pair, offsets and regions of a checked report (6), then its requests. */
    private void route(Report r, StoreConfig st, int bucket, int length) {
        Tables t = x.t;
        int storeId = st.storeId;
        int c = t.collector(storeId, bucket);
        if (c < 0) {
            drop(DropReason.NO_COLLECTOR, r);
            return;
        }
        QueuePairEntry qp = t.queuePair(c);
        if (qp == null || !x.regs.qpUp(c)) {
            drop(DropReason.QUEUE_PAIR_DOWN, r);
            return;
        }
        int n = requestOffsets(r, st, keyHash);
        if (n < 0) {
            drop(DropReason.LIST_OUT_OF_RANGE, r);
            return;
        }
        for (int i = 0; i < n; i++) {
            RegionEntry region = t.region(c, storeId, (int) (offsets[i] >>> EngineState.SEGMENT_SHIFT));
            if (region == null) {
                drop(DropReason.NO_REGION, r);
                return;
            }
            regions[i] = region;
        }
        int opcode = r.opcode();
        x.counters.count(Counters.REPORTS, opcode, length);
        boolean direct = opcode != Report.OPCODE_POSTCARD && opcode != Report.OPCODE_APPEND;
        if (direct && !requester.room(c, n)) {
            requester.windowFull(c, opcode, 1, n);
            return;
        }
        emit(r, st, c, qp, n, opcode);
    }

    /** The requests of a routed report (6.1-6.5). */
    private void emit(Report r, StoreConfig st, int c, QueuePairEntry qp, int n, int opcode) {
        switch (opcode) {
            case Report.OPCODE_KEY_WRITE -> keyWrite(r, key, c, qp, n);
            case Report.OPCODE_KEY_INCREMENT -> keyIncrement(r, c, qp, n);
            case Report.OPCODE_SKETCH_MERGE -> sketchMerge(r, c, qp, n);
            case Report.OPCODE_POSTCARD -> postcards.postcard(r, st, key, keyHash, c, qp, regions[0], offsets[0]);
            default -> appends.append(r, st, offsets[0]);
        }
    }

    /** Key-Increment (6.2): one FETCH_ADD of the delta per counter row. */
    private void keyIncrement(Report r, int c, QueuePairEntry qp, int n) {
        long delta = r.delta();
        for (int i = 0; i < n; i++) {
            requester.fetchAdd(c, qp, regions[i], offsets[i], delta, Report.OPCODE_KEY_INCREMENT, i == n - 1 ? 1 : 0);
        }
    }

    /** Sketch-Merge (6.5): one FETCH_ADD per counter carried. */
    private void sketchMerge(Report r, int c, QueuePairEntry qp, int n) {
        for (int j = 0; j < n; j++) {
            requester.fetchAdd(c, qp, regions[j], offsets[j], r.sketchDelta(j), Report.OPCODE_SKETCH_MERGE, j == n - 1 ? 1 : 0);
        }
    }

    /**
     * The data offsets of the report's requests into {@link #offsets}, from the store's layout;
     * returns their number, or -1 when an Append list's tail slot is outside the tail register.
     */
    private int requestOffsets(Report r, StoreConfig st, int keyHash) {
        switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> {
                KeyWriteLayout kw = (KeyWriteLayout) st.layout;
                int n = r.redundancy() == 0 ? kw.defaultRedundancy() : r.redundancy();
                for (int i = 0; i < n; i++) {
                    offsets[i] = kw.slotOffset(DtaHash.index(keyHash, i, kw.log2Slots()));
                }
                return n;
            }
            case Report.OPCODE_KEY_INCREMENT -> {
                CounterLayout ki = (CounterLayout) st.layout;
                int n = r.redundancy() == 0 ? ki.rows() : r.redundancy();
                for (int row = 0; row < n; row++) {
                    offsets[row] = ki.counterOffset(row, DtaHash.index(keyHash, row, ki.log2Columns()) & 0xFFFF_FFFFL);
                }
                return n;
            }
            case Report.OPCODE_SKETCH_MERGE -> {
                int n = r.count();
                CounterLayout sk = (CounterLayout) st.layout;
                for (int j = 0; j < n; j++) {
                    offsets[j] = sk.counterOffset(r.row(), r.column() + j);
                }
                return n;
            }
            case Report.OPCODE_POSTCARD -> {
                PostcardLayout pc = (PostcardLayout) st.layout;
                offsets[0] = pc.rowOffset(DtaHash.index(keyHash, 0, pc.log2Rows()));
                return 1;
            }
            default -> {
                long offset = appends.nextOffset(st, r.list());
                offsets[0] = offset;
                return offset < 0 ? -1 : 1;
            }
        }
    }

    /**
     * Datagrams the report socket truncated (longer than {@link DropReason#MAX_DATAGRAM_BYTES}):
     * dropped unparsed, counted as {@code oversized} (protocol.md 2.5).
     */
    public void oversized(long datagrams) {
        x.counters.add(Counters.DROPS, DropReason.OVERSIZED.code(), datagrams);
        if (x.logOnce.pending(DropReason.OVERSIZED.code())) {
            x.logOnce.warn(DropReason.OVERSIZED.code(), "dropped {} report datagram(s) longer than {} bytes (oversized)", datagrams,
                    DropReason.MAX_DATAGRAM_BYTES);
        }
    }

    private void drop(DropReason reason, Report r) {
        x.counters.count(Counters.DROPS, reason.code());
        if (x.logOnce.pending(reason.code())) {
            x.logOnce.warn(reason.code(), "dropped a report ({}): version {}, opcode {}, store {}, {} bytes", reason.label(),
                    r.length() > 0 ? r.version() : -1, r.length() > 1 ? r.opcode() : -1,
                    r.length() > 3 ? r.storeId() : -1, r.length());
        }
    }

    /** Key-Write (6.1): one WRITE of tag || value per replica. */
    private void keyWrite(Report r, byte[] key, int c, QueuePairEntry qp, int n) {
        int vlen = r.valueLength();
        MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, r.valueOffset(), value, 0, vlen);
        int tag = hash.keyWriteTag(key, value, 0, vlen);
        for (int i = 0; i < n; i++) {
            long frame = requester.beginWrite(c, qp, regions[i], offsets[i], 4 + vlen);
            long p = requester.writer().payloadOffset();
            MemorySegment seg = requester.frames();
            Bytes.u32(seg, p, tag & 0xFFFF_FFFFL);
            MemorySegment.copy(value, 0, seg, ValueLayout.JAVA_BYTE, p + 4, vlen);
            requester.finishRequest(c, qp, frame, requester.writer().skip(4 + vlen).finish(), Report.OPCODE_KEY_WRITE,
                    i == n - 1 ? 1 : 0);
        }
    }

    /** Hands the frames built so far to the sink. */
    public void flush() {
        egress.flush();
    }

    // =====================================================================================
    // RoCEv2 to the translator, PacketOuts, timers, control-plane hooks
    // =====================================================================================

    /** One frame from the RoCEv2 socket: replies update queue-pair state, the rest goes to the controller. */
    public void roce(MemorySegment s, long frame, int length) {
        roce.receive(s, frame, length);
    }

    /** A frame from the controller: egress port 0 routes it by its IPv4 destination, 1 sends it unchanged. */
    public void packetOut(byte[] frame, int egressPort) {
        packetOuts.packetOut(frame, egressPort);
    }

    /** Runs the timers at the engine's current time ({@link #refresh}): idle flushes (6.3, 6.4), then probes (5.6). */
    public void tick() {
        long flush = x.t.settings().flushIntervalNanos();
        postcards.flushIdle(flush);
        appends.flushIdle(flush);
        requester.tick();
    }

    /** Before a register write takes effect: a (re)connected queue pair starts afresh; a tail write first flushes what is held. */
    public void registerWrite(RegisterWrite w) {
        refresh();
        switch (w.register()) {
            case Registers.NEXT_PSN, Registers.LAST_ACKED_PSN, Registers.QP_UP -> requester.reconnecting(w.index(), w.register());
            case Registers.APPEND_TAIL -> appends.flush(w.index());
            default -> {
                // lost packets: a plain value
            }
        }
    }

    /** A new pipeline: nothing held survives. */
    public void reset() {
        egress.discard();
        postcards.clear();
        appends.clear();
        requester.reset();
        x.ledger.clear();
        refresh();
    }

    public void close() {
        requester.close();
        egress.close();
    }
}
