package net.dta.translator.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import net.dta.p4.TranslatorP4Names;
import net.dta.rdma.wire.Bth;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.RegionEntry;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Tables;

/**
 * The RC requester of every queue pair (protocol.md 5.6): PSNs, AckReq, the requests outstanding
 * and what they carry (the {@link RequestRing}, the {@link ReportLedger}), replies (ACK, NAK, READ
 * response) and liveness probes; the {@link Retransmitter} decides what is transmitted when. The
 * PSN registers (next PSN, last acknowledged, up) are the pipeline's; the arrays here are the rest.
 */
final class Requester {
    static final int MAX_PROBES = 3;
    // How a collector's outstanding requests were last resolved (lateAck believes only a down).
    private static final byte IN_FLIGHT = 0;
    private static final byte RESOLVED_DOWN = 1;
    private static final byte RESOLVED_RESET = 2;

    private final EngineState x;
    private final Registers regs;
    private final Egress egress;
    private final RequesterSettings settings;
    private final RequestRing ring;
    private final Retransmitter retransmitter;
    private final RoceFrameWriter writer = new RoceFrameWriter();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(256, 8);

    // Liveness (5.6): start of the current probe interval, probes without an answer.
    private final long[] qpTimer = new long[Tables.COLLECTORS];
    private final int[] probesOut = new int[Tables.COLLECTORS];
    // How each collector's outstanding requests were last resolved.
    private final byte[] resolved = new byte[Tables.COLLECTORS];

    Requester(EngineState x, Egress egress, RequesterSettings settings) {
        this.x = x;
        this.regs = x.regs;
        this.egress = egress;
        this.settings = settings;
        this.ring = new RequestRing(settings.window(), settings.retransmit());
        this.retransmitter = new Retransmitter(x, egress, settings, ring);
        Arrays.fill(resolved, RESOLVED_RESET); // nothing in flight yet
    }

    Retransmitter retransmitter() {
        return retransmitter;
    }

    RequesterSettings settings() {
        return settings;
    }

    /** The frame writer of the request being built (payload offset, skip, finish). */
    RoceFrameWriter writer() {
        return writer;
    }

    /** The segment the frames are built in (the payload of a WRITE begun by {@link #beginWrite} goes there). */
    MemorySegment frames() {
        return egress.segment();
    }

    // ---- Requests (5.1, 5.6, 6.6) ----

    /** The next PSN of collector c; starts the probe interval when nothing was outstanding. */
    private int takePsn(int c) {
        int psn = regs.nextPsn(c);
        if (((psn - 1 - regs.lastAcked(c)) & Bth.PSN_MASK) == 0) {
            qpTimer[c] = x.now;
            retransmitter.restart(c, psn);
        }
        resolved[c] = IN_FLIGHT;
        regs.nextPsn(c, psn + 1);
        return psn;
    }

    private boolean ackRequest(int psn) {
        return (psn & x.t.settings().ackMask()) == 0;
    }

    /**
     * Starts a WRITE Only of {@code length} payload bytes at data offset {@code offset}; returns the
     * frame offset. Write the payload at {@link #writer()}'s payload offset, then {@link #finishRequest}.
     */
    long beginWrite(int c, QueuePairEntry qp, RegionEntry region, long offset, int length) {
        long frame = egress.claim();
        int psn = takePsn(c);
        writer.begin(egress.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_WRITE_ONLY, qp.remoteQpn(), psn, ackRequest(psn))
                .reth(region.va() + (offset & EngineState.SEGMENT_MASK), region.rkey(), length);
        return frame;
    }

    void fetchAdd(int c, QueuePairEntry qp, RegionEntry region, long offset, long add, int primitive, int reports) {
        long frame = egress.claim();
        int psn = takePsn(c);
        int len = writer.fetchAdd(egress.segment(), frame, qp.route(), qp.remoteQpn(), psn, ackRequest(psn),
                region.va() + (offset & EngineState.SEGMENT_MASK), region.rkey(), add);
        finishRequest(c, qp, frame, len, primitive, reports);
    }

    /**
     * Counts a built request (the one just given PSN next - 1), keeps it in the ring with the
     * reports it carries, and lets the queue pair's route decide where it goes.
     */
    void finishRequest(int c, QueuePairEntry qp, long frame, int length, int primitive, int reports) {
        keep(c, qp, frame, length, primitive, reports, false);
    }

    /** {@link #finishRequest}; a probe ({@code probe}) is transmitted beyond the send window when it is next in PSN order. */
    private void keep(int c, QueuePairEntry qp, long frame, int length, int primitive, int reports, boolean probe) {
        x.counters.count(Counters.QP_SENT, c, length);
        int psn = (regs.nextPsn(c) - 1) & Bth.PSN_MASK;
        ring.record(c, psn, egress.segment(), frame, length, primitive, reports);
        x.ledger.sent(primitive, reports);
        if (retransmitter.transmitNow(c, psn, probe)) {
            egress.send(qp.egress(), frame, length, TranslatorP4Names.CPU_PORT);
        }
        // Else it waits in the ring: acknowledgements open the send window (pump).
    }

    /** Requests sent and not yet acknowledged on collector c's queue pair. */
    private int outstandingCount(int c) {
        return (regs.nextPsn(c) - 1 - regs.lastAcked(c)) & Bth.PSN_MASK;
    }

    /**
     * Whether {@code n} more requests fit in the window: at most window - 1 outstanding, of which
     * the last {@link #MAX_PROBES} are kept for probes (a full window must still be probed).
     */
    boolean room(int c, int n) {
        return outstandingCount(c) + n <= ring.size() - 1 - MAX_PROBES;
    }

    /** Reports not sent because collector c's window was full: lost, counted by primitive. */
    void windowFull(int c, int primitive, int reports, int requests) {
        x.ledger.lost(primitive, reports, ReportLedger.LossReason.RETRANSMIT_WINDOW);
        x.count(EngineCounter.LOST_RETRANSMIT_WINDOW, requests);
        if (x.logOnce.pending(EngineState.LOG_WINDOW_FULL)) {
            x.logOnce.warn(EngineState.LOG_WINDOW_FULL, "collector {}: {} requests outstanding, the retransmit window ({}) is "
                    + "full: reports are dropped and counted (lost_retransmit_window) until it acknowledges", c,
                    outstandingCount(c), ring.size());
        }
    }

    /** Everything up to {@code psn} arrived: the reports its requests carry are applied. */
    private void acknowledge(int c, int psn) {
        int from = regs.lastAcked(c);
        int k = Math.min((psn - from) & Bth.PSN_MASK, ring.size()); // within the window (checked by the caller)
        for (int i = 1; i <= k; i++) {
            int p = (from + i) & Bth.PSN_MASK;
            x.ledger.acknowledged(ring.primitive(c, p), ring.reports(c, p));
        }
        regs.lastAcked(c, psn);
        retransmitter.acknowledged(c, from, psn);
    }

    /** The requests from {@code from} to next PSN - 1 are lost for {@code reason}. */
    private void loseOutstanding(int c, int from, ReportLedger.LossReason reason) {
        int k = Math.min((regs.nextPsn(c) - from) & Bth.PSN_MASK, ring.size());
        for (int i = 0; i < k; i++) {
            int p = (from + i) & Bth.PSN_MASK;
            x.ledger.lostInFlight(ring.primitive(c, p), ring.reports(c, p), reason);
        }
    }

    // ---- Replies (protocol.md 5.6) ----

    /**
     * Whether {@code psn} is one of the PSNs sent and not yet acknowledged: (last acked, next PSN).
     * Only such a PSN can be ACKed, NAKed as an error or answered by a READ response.
     */
    boolean outstanding(int c, int psn) {
        int window = (regs.nextPsn(c) - 1 - regs.lastAcked(c)) & Bth.PSN_MASK;
        int d = (psn - regs.lastAcked(c)) & Bth.PSN_MASK;
        return d >= 1 && d <= window;
    }

    /** A reply naming a PSN that is not outstanding: spoofed or stale, ignored. */
    void outsideWindow(int c, String opcode, int psn) {
        x.count(EngineCounter.REPLIES_OUTSIDE_WINDOW);
        if (x.logOnce.pending(EngineState.LOG_OUTSIDE_WINDOW)) {
            x.logOnce.warn(EngineState.LOG_OUTSIDE_WINDOW, "ignored a {} for collector {} at PSN 0x{}: not among the PSNs "
                    + "outstanding (0x{}..0x{}): spoofed or stale", opcode, c, Integer.toHexString(psn),
                    Integer.toHexString((regs.lastAcked(c) + 1) & Bth.PSN_MASK),
                    Integer.toHexString((regs.nextPsn(c) - 1) & Bth.PSN_MASK));
        }
    }

    /**
     * A READ Response Only on a queue pair that is up answers a probe (5.6): alive, and everything
     * up to the probe arrived. Unambiguous, since nothing else READs on an up queue pair.
     */
    void probeAnswered(int c, int psn) {
        acknowledge(c, psn);
        x.count(EngineCounter.PROBE_ANSWERS);
        qpTimer[c] = x.now;
        probesOut[c] = 0;
    }

    /** An ACK, ATOMIC ACK or NAK from collector c (the frame goes to the controller on a queue-pair error). */
    void reply(int c, int op, int psn, int syndrome, String opcode, MemorySegment s, long frame, int length) {
        // In small steps, each below C2's FreqInlineSize (docs/performance.md, "The slow mode").
        int kind = (syndrome >>> 5) & 0x7;
        int npsn = regs.nextPsn(c);
        // Sequence NAK: the expected PSN e is in (last acked, next PSN]; e = next PSN loses nothing.
        // Everything else names a PSN sent and not yet acknowledged. Outside that window the reply
        // is spoofed or stale, and a resync from it could count up to 2^24 lost requests.
        boolean sequenceNak = kind == 3 && (syndrome & 0x1F) == 0;
        if (kind == 0 && psn == regs.lastAcked(c) && regs.qpUp(c)) {
            duplicateAck(c, op, psn);
            return;
        }
        if (!(outstanding(c, psn) || (sequenceNak && psn == npsn))) {
            outsideWindow(c, opcode, psn);
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
            x.counters.count(Counters.QP_ACKS, c);
            x.count(EngineCounter.ACKS);
            // Never moves the next PSN: only a PSN-sequence NAK does (a late ACK must not rewind it).
            acknowledge(c, psn);
            retransmitter.answered(c, op, psn);
        } else if (kind == 3) {
            nak(c, psn, syndrome, npsn, s, frame, length);
        } else {
            x.count(EngineCounter.RNR_NAKS);
        }
        qpTimer[c] = x.now;
        probesOut[c] = 0;
    }

    /**
     * Nothing new acknowledged: the answer to a duplicate (a PSN query, or a retransmitted request
     * the responder had executed). The responder is alive and expects psn + 1.
     */
    private void duplicateAck(int c, int op, int psn) {
        x.count(EngineCounter.DUPLICATE_ACKS);
        qpTimer[c] = x.now;
        probesOut[c] = 0;
        retransmitter.answered(c, op, psn);
    }

    /** A NAK for an outstanding PSN: a sequence error resends or resynchronises; any other takes the queue pair down. */
    private void nak(int c, int psn, int syndrome, int npsn, MemorySegment s, long frame, int length) {
        x.counters.count(Counters.QP_NAKS, c * 4 + (syndrome & 3));
        x.count(EngineCounter.NAKS);
        if ((syndrome & 0x1F) == 0) {
            sequenceError(c, psn, npsn);
            return;
        }
        // The responder put the queue pair in error: down, and tell the controller.
        queuePairDown(c);
        x.count(EngineCounter.QP_ERRORS);
        EngineState.LOG.warn("queue pair to collector {} is down: NAK syndrome 0x{} at PSN 0x{}", c,
                Integer.toHexString(syndrome), Integer.toHexString(psn));
        egress.packetIn(TranslatorP4Names.REASON_QUEUE_PAIR_ERROR, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
    }

    /** PSN sequence error at e = psn: everything before e arrived, nothing from e on was executed. */
    private void sequenceError(int c, int psn, int npsn) {
        acknowledge(c, (psn - 1) & Bth.PSN_MASK);
        if (settings.retransmit()) {
            if (retransmitter.sequenceNak(c, psn)) {
                retransmitter.goBackN(c, psn);
            }
        } else {
            // A switch requester goes on from e; what was sent from there on is lost (at
            // most the PSNs outstanding, by the window check of the caller).
            int lost = (npsn - psn) & Bth.PSN_MASK;
            loseOutstanding(c, psn, ReportLedger.LossReason.RESYNC);
            regs.addLost(c, lost);
            x.count(EngineCounter.LOST_RESYNC, lost);
            regs.nextPsn(c, psn);
            x.counters.count(Counters.QP_RESYNCS, c);
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
        x.count(EngineCounter.LOST_QUEUE_PAIR_DOWN, outstanding);
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
                x.ledger.foundApplied(ring.primitive(c, p), ring.reports(c, p));
            }
        }
        regs.addLost(c, -executed);
        x.count(EngineCounter.LOST_QUEUE_PAIR_DOWN, -executed);
        regs.lastAcked(c, psn);
    }

    // ---- Timers: liveness probes and the retransmit timeout (5.6) ----

    /** Probes and PSN queries due at the current time, for every queue pair that is up with requests outstanding. */
    void tick() {
        long probe = x.t.settings().probeIntervalNanos();
        long now = x.now;
        for (int c : x.t.collectorsWithQueuePairs()) {
            if (!regs.qpUp(c)) {
                continue;
            }
            if (outstandingCount(c) == 0) {
                continue;
            }
            boolean probeDue = now - qpTimer[c] >= probe;
            if (probeDue && probesOut[c] >= MAX_PROBES) {
                probe(c, x.t.queuePair(c)); // takes the queue pair down: nothing to resend
                continue;
            }
            retransmitter.timeout(c, probe);
            if (probeDue) {
                probe(c, x.t.queuePair(c));
            }
        }
    }

    /** A liveness probe (5.6): a zero-length RDMA READ at the next PSN, or, after three unanswered, down. */
    private void probe(int c, QueuePairEntry qp) {
        if (probesOut[c] >= MAX_PROBES) {
            // Three probes went unanswered: the queue pair is down; the controller gets the probe
            // that would have been the fourth.
            queuePairDown(c);
            x.count(EngineCounter.QP_TIMEOUTS);
            if (x.logOnce.pending(EngineState.LOG_QP_DOWN)) {
                x.logOnce.warn(EngineState.LOG_QP_DOWN, "queue pair to collector {} is down: {} probes went unanswered", c,
                        MAX_PROBES);
            }
            // The notice is the probe that would have been the fourth; it carries the next PSN without taking it.
            int next = regs.nextPsn(c);
            int len = writer.begin(scratch, 0, qp.route(), RoceOpcode.RC_RDMA_READ_REQUEST, qp.remoteQpn(), next,
                    ackRequest(next)).reth(0, 0, 0).finish();
            probesOut[c] = 0;
            egress.packetIn(TranslatorP4Names.REASON_QUEUE_PAIR_TIMEOUT, TranslatorP4Names.CPU_PORT, scratch, 0, len, false);
            return;
        }
        probesOut[c]++;
        x.counters.count(Counters.QP_PROBES, c);
        if (retransmitter.queryAsProbe(c)) {
            qpTimer[c] = x.now;
            return;
        }
        long frame = egress.claim();
        int psn = takePsn(c);
        qpTimer[c] = x.now;
        int len = writer.begin(egress.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_READ_REQUEST, qp.remoteQpn(), psn,
                ackRequest(psn)).reth(0, 0, 0).finish();
        keep(c, qp, frame, len, 0, 0, true);
    }

    // ---- Control-plane hooks ----

    /** Before a write of a PSN register or the up flag of collector c: the queue pair starts afresh. */
    void reconnecting(int c, int register) {
        if (register != Registers.QP_UP && resolved[c] == IN_FLIGHT) {
            // New PSNs: what was in flight will never be answered on them.
            loseOutstanding(c, (regs.lastAcked(c) + 1) & Bth.PSN_MASK, ReportLedger.LossReason.RESET);
            resolved[c] = RESOLVED_RESET;
        }
        probesOut[c] = 0;
        qpTimer[c] = x.now;
        retransmitter.reset(c);
    }

    /** A new pipeline. */
    void reset() {
        Arrays.fill(probesOut, 0);
        Arrays.fill(resolved, RESOLVED_RESET);
        retransmitter.resetAll();
    }

    void close() {
        ring.close();
        arena.close();
    }
}
