package net.dta.translator.dataplane;

import java.util.Arrays;

import net.dta.p4.TranslatorP4Names;
import net.dta.rdma.wire.Bth;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Tables;

/**
 * The retransmitting half of the {@link Requester} (protocol.md 5.6), per queue pair: which
 * requests of the {@link RequestRing} are transmitted (the send window), go-back-N, and PSN
 * queries when no acknowledgement came for the retransmit timeout. A switch requester
 * ({@code retransmit} off) transmits every request at once and never goes back.
 */
final class Retransmitter {
    private final EngineState x;
    private final Registers regs;
    private final Egress egress;
    private final RequesterSettings settings;
    private final RequestRing ring;
    private final RoceFrameWriter writer = new RoceFrameWriter();

    // The time of the last progress (an acknowledgement that moved, or a go-back-N), for the retransmit timeout.
    private final long[] progressAt = new long[Tables.COLLECTORS];
    // The next PSN to transmit (requests from there to next PSN - 1 wait in the ring for the send
    // window), and the PSN after the highest ever transmitted.
    private final int[] sendNext = new int[Tables.COLLECTORS];
    private final int[] highestSent = new int[Tables.COLLECTORS];
    // A PSN query is out (sent at queriedAt, after the requests before queryNext): its ACK names
    // the PSN the responder expects, minus one.
    private final boolean[] querying = new boolean[Tables.COLLECTORS];
    private final int[] queryNext = new int[Tables.COLLECTORS];
    private final long[] queriedAt = new long[Tables.COLLECTORS];

    Retransmitter(EngineState x, Egress egress, RequesterSettings settings, RequestRing ring) {
        this.x = x;
        this.regs = x.regs;
        this.egress = egress;
        this.settings = settings;
        this.ring = ring;
    }

    /** Nothing was outstanding on collector c: {@code psn} starts a new run of requests. */
    void restart(int c, int psn) {
        progressAt[c] = x.now;
        sendNext[c] = psn;
        highestSent[c] = psn;
    }

    /** Whether the request just kept in the ring at {@code psn} is transmitted now; else it waits for the send window. */
    boolean transmitNow(int c, int psn) {
        if (!settings.retransmit() || (psn == sendNext[c] && transmitted(c) < sendWindow())) {
            sendNext[c] = (psn + 1) & Bth.PSN_MASK;
            highestSent[c] = sendNext[c];
            return true;
        }
        return false;
    }

    /** Collector c acknowledged everything up to {@code psn}: progress, and room in the send window. */
    void acknowledged(int c, int psn) {
        progressAt[c] = x.now;
        if (settings.retransmit()) {
            if (transmitted(c) >= ring.size()) {
                sendNext[c] = (psn + 1) & Bth.PSN_MASK; // acknowledged beyond what a go-back-N had taken back
            }
            pump(c, x.t.queuePair(c));
        }
    }

    /**
     * An ACK with PSN {@code psn} arrived: if it answers a PSN query and the responder lacks
     * requests transmitted before the query (which reached it first: one path, in order), they
     * and everything after them were not executed: go back to {@code psn + 1}. Only a plain ACK
     * can answer (the query is a WRITE): an ATOMIC ACK, possibly a replay of a cached result,
     * would send the requester back to FETCH_ADDs the responder executed and may no longer replay
     * (it drops those silently).
     */
    void answered(int c, int op, int psn) {
        if (querying[c] && op == RoceOpcode.RC_ACKNOWLEDGE) {
            querying[c] = false;
            int missing = (queryNext[c] - 1 - psn) & Bth.PSN_MASK;
            if (missing != 0 && missing <= ring.size()) {
                goBackN(c, (psn + 1) & Bth.PSN_MASK);
            }
        }
    }

    /** A PSN-sequence NAK named the PSN the responder expects: a query out is answered by it. */
    void sequenceNak(int c) {
        querying[c] = false;
    }

    /**
     * Go-back-N (protocol.md 5.6): transmits again from {@code from}, from the ring, unchanged and
     * in order, as the send window allows (the rest follows as acknowledgements come). The
     * responder executes those it has not, ACKs duplicate WRITEs with its expected PSN - 1 and
     * replays duplicate FETCH_ADDs from its atomic-result cache.
     */
    void goBackN(int c, int from) {
        querying[c] = false; // an answer to a query sent before this would be stale
        sendNext[c] = from;
        progressAt[c] = x.now;
        pump(c, x.t.queuePair(c));
    }

    /**
     * The retransmit timeout of collector c (which has requests outstanding): no acknowledgement
     * for the timeout means a lost request at the tail, a lost NAK or ACK, or a lost
     * retransmission. Ask where the responder is, then go back there.
     */
    void timeout(int c, long probeIntervalNanos) {
        if (!settings.retransmit() || x.now - progressAt[c] < settings.timeoutNanos()) {
            return;
        }
        x.count(EngineCounter.RETRANSMIT_TIMEOUTS);
        progressAt[c] = x.now;
        // One at a time: a second would make a late answer to the first look like its own. A
        // query unanswered for a probe interval is taken as lost.
        if (!querying[c] || x.now - queriedAt[c] >= Math.max(probeIntervalNanos, 4 * settings.timeoutNanos())) {
            psnQuery(c, x.t.queuePair(c));
        }
    }

    /** Collector c's queue pair starts afresh (new PSNs, or up/down). */
    void reset(int c) {
        progressAt[c] = x.now;
        querying[c] = false;
    }

    /** A new pipeline. */
    void resetAll() {
        Arrays.fill(querying, false);
    }

    /**
     * A PSN query (protocol.md 5.6): a zero-length RDMA WRITE Only with AckReq at PSN last
     * acknowledged, a PSN the responder has executed. A duplicate WRITE is not executed again and
     * is answered by an ACK with the responder's expected PSN - 1 (5.5 step 3; rxe and NICs do the
     * same), so the answer says exactly where to go back to, whatever replies were lost. It takes
     * no PSN and is not kept in the ring.
     */
    private void psnQuery(int c, QueuePairEntry qp) {
        long frame = egress.claim();
        int len = writer.begin(egress.segment(), frame, qp.route(), RoceOpcode.RC_RDMA_WRITE_ONLY, qp.remoteQpn(),
                regs.lastAcked(c), true).reth(0, 0, 0).finish();
        querying[c] = true;
        queryNext[c] = sendNext[c];
        queriedAt[c] = x.now;
        x.count(EngineCounter.PSN_QUERIES);
        egress.send(qp.egress(), frame, len, TranslatorP4Names.CPU_PORT);
    }

    /** Requests transmitted and not acknowledged. */
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
            long frame = egress.claim();
            int length = ring.copy(c, p, egress.segment(), frame);
            if (length == 0) {
                continue; // not kept (cannot happen: RequestRing.FRAME_BYTES holds the largest request)
            }
            int d = (highestSent[c] - p) & Bth.PSN_MASK;
            if (d != 0 && d <= ring.size()) {
                x.count(EngineCounter.RETRANSMITTED);
            } else {
                highestSent[c] = sendNext[c];
            }
            egress.send(qp.egress(), frame, length, TranslatorP4Names.CPU_PORT);
        }
    }
}
