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
    /** The send window's floor after losses, in requests. */
    static final int MIN_WINDOW = 2;
    /** The retransmit timeout's floor (the data-plane loop's timers run every 50 µs). */
    static final long MIN_TIMEOUT_NANOS = 1_000_000;
    private static final double NO_LOSS = -1;
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
    // Waiting for an answer: the last request transmitted that the responder answers by itself
    // (FETCH_ADD, READ, AckReq), and since when one has been awaited (the retransmit timer runs
    // only then: WRITEs without AckReq are acknowledged by a later request, or by the probe).
    private final int[] answeredPsn = new int[Tables.COLLECTORS];
    private final long[] awaitingSince = new long[Tables.COLLECTORS];
    // The send window follows the loss rate: the mean run of requests acknowledged between two
    // go-back-Ns (EWMA) and the current run. The round-trip estimate (RFC 6298, Karn: timed only
    // on requests transmitted once; rttPsn is the one being timed, sent at rttAt).
    private final double[] meanRun = new double[Tables.COLLECTORS];
    private final int[] run = new int[Tables.COLLECTORS];
    private final int[] rttPsn = new int[Tables.COLLECTORS];
    private final long[] rttAt = new long[Tables.COLLECTORS];
    private final boolean[] timing = new boolean[Tables.COLLECTORS];
    private final long[] srtt = new long[Tables.COLLECTORS];
    private final long[] rttvar = new long[Tables.COLLECTORS];
    // The PSN the last go-back-N started from (valid while goneBack): a sequence NAK naming it
    // crossed that resend (the responder sends one NAK per PSN it expects).
    private final int[] goneBackTo = new int[Tables.COLLECTORS];
    private final boolean[] goneBack = new boolean[Tables.COLLECTORS];

    Retransmitter(EngineState x, Egress egress, RequesterSettings settings, RequestRing ring) {
        this.x = x;
        this.regs = x.regs;
        this.egress = egress;
        this.settings = settings;
        this.ring = ring;
        Arrays.fill(meanRun, NO_LOSS);
    }

    /** Nothing was outstanding on collector c: {@code psn} starts a new run of requests. */
    void restart(int c, int psn) {
        progressAt[c] = x.now;
        sendNext[c] = psn;
        highestSent[c] = psn;
        answeredPsn[c] = (psn - 1) & Bth.PSN_MASK;
        goneBack[c] = false;
    }

    /**
     * Whether the request just kept in the ring at {@code psn} is transmitted now; else it waits for
     * the send window. A liveness probe ({@code probe}) is not held by the send window (one per probe
     * interval), only by requests waiting before it.
     */
    boolean transmitNow(int c, int psn, boolean probe) {
        if (!settings.retransmit()) {
            return true;
        }
        if (psn == sendNext[c] && (probe ? transmitted(c) < maxWindow() : mayTransmit(c))) {
            transmitting(c, psn);
            sendNext[c] = (psn + 1) & Bth.PSN_MASK;
            highestSent[c] = sendNext[c];
            if (!timing[c]) {
                rttPsn[c] = psn; // a first transmission: its answer times the round trip
                rttAt[c] = x.now;
                timing[c] = true;
            }
            return true;
        }
        return false;
    }

    /**
     * Collector c acknowledged everything after {@code from} up to {@code psn}: progress, a round
     * trip timed, the run without loss grows (and with it the send window), and room in it.
     */
    void acknowledged(int c, int from, int psn) {
        progressAt[c] = x.now;
        int n = (psn - from) & Bth.PSN_MASK;
        if (timing[c] && ((rttPsn[c] - from - 1) & Bth.PSN_MASK) < n) {
            sampleRtt(c, x.now - rttAt[c]);
            timing[c] = false;
        }
        if (goneBack[c] && ((goneBackTo[c] - from - 1) & Bth.PSN_MASK) < n) {
            goneBack[c] = false; // the resend reached its first request: a NAK naming it is no longer possible
        }
        run[c] = (int) Math.min(maxWindow(), (long) run[c] + n);
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

    /**
     * A PSN-sequence NAK named {@code psn}, the PSN the responder expects: a query out is answered
     * by it. Returns whether to go back there: not if the last go-back-N already started there (the
     * NAK crossed that resend, e.g. a PSN query's answer came first: a responder NAKs a PSN it
     * expects once, so this NAK is not news; resending again would repeat requests the first
     * resend has had executed, FETCH_ADDs the responder may no longer replay).
     */
    boolean sequenceNak(int c, int psn) {
        querying[c] = false;
        if (goneBack[c] && goneBackTo[c] == psn) {
            x.count(EngineCounter.NAKS_ALREADY_RESENT);
            return false;
        }
        return true;
    }

    /**
     * Go-back-N (protocol.md 5.6): transmits again from {@code from}, from the ring, unchanged and
     * in order, as the send window allows (the rest follows as acknowledgements come). The
     * responder executes those it has not, ACKs duplicate WRITEs with its expected PSN - 1 and
     * replays duplicate FETCH_ADDs from its atomic-result cache.
     */
    void goBackN(int c, int from) {
        querying[c] = false; // an answer to a query sent before this would be stale
        lossSeen(c);
        sendNext[c] = from;
        goneBackTo[c] = from;
        goneBack[c] = true;
        timing[c] = false; // Karn: a request transmitted twice does not time the round trip
        progressAt[c] = x.now;
        pump(c, x.t.queuePair(c));
    }

    /**
     * A go-back-N: a request was lost after the current run of requests acknowledged; the mean run
     * (the first run, then gain 1/4) estimates 1 / the loss rate. See {@link #sendWindow(int)}.
     */
    private void lossSeen(int c) {
        meanRun[c] = meanRun[c] == NO_LOSS ? run[c] : meanRun[c] + (run[c] - meanRun[c]) / 4;
        run[c] = 0;
        x.count(EngineCounter.GO_BACK_N);
    }

    /**
     * The retransmit timeout of collector c (which has requests outstanding): no acknowledgement
     * for the timeout means a lost request at the tail, a lost NAK or ACK, or a lost
     * retransmission. Ask where the responder is, then go back there.
     */
    void timeout(int c, long probeIntervalNanos) {
        long rto = timeoutNanos(c);
        if (!settings.retransmit() || !awaiting(c) || x.now - Math.max(progressAt[c], awaitingSince[c]) < rto) {
            return;
        }
        x.count(EngineCounter.RETRANSMIT_TIMEOUTS);
        progressAt[c] = x.now;
        // One at a time: a second would make a late answer to the first look like its own (it
        // would send the requester back to FETCH_ADDs executed since). A query unanswered for four
        // timeouts and four smoothed round trips (the timeout is capped, round trips are not) is
        // lost, or for a probe interval: a probe held behind the send window proves nothing, so
        // the queries' answers are what keeps a live queue pair up.
        if (!querying[c] || x.now - queriedAt[c] >= Math.min(probeIntervalNanos, 4 * Math.max(rto, srtt[c]))) {
            psnQuery(c, x.t.queuePair(c));
        }
    }

    /**
     * The retransmit timeout of collector c: the smoothed round trip plus four deviations (RFC
     * 6298), within [{@link #MIN_TIMEOUT_NANOS}, the configured timeout]; the configured timeout
     * until a round trip was timed. Adapts to the path: a loopback collector is queried after about
     * a millisecond, an emulated guest after its own round trip.
     */
    long timeoutNanos(int c) {
        if (srtt[c] == 0) {
            return settings.timeoutNanos();
        }
        long rto = srtt[c] + Math.max(MIN_TIMEOUT_NANOS / 4, 4 * rttvar[c]);
        return Math.min(settings.timeoutNanos(), Math.max(MIN_TIMEOUT_NANOS, rto));
    }

    /** RFC 6298 2.2-2.3: the first sample sets SRTT = R, RTTVAR = R / 2; then gains 1/8 and 1/4. */
    private void sampleRtt(int c, long r) {
        if (srtt[c] == 0) {
            srtt[c] = Math.max(1, r);
            rttvar[c] = r / 2;
        } else {
            rttvar[c] += (Math.abs(srtt[c] - r) - rttvar[c]) / 4;
            srtt[c] = Math.max(1, srtt[c] + (r - srtt[c]) / 8);
        }
    }

    /**
     * The send window of collector c, in requests: twice the requests acknowledged between losses
     * (the mean, or the current run if longer), within [{@link #MIN_WINDOW}, the ring]. Go-back-N
     * resends everything in flight after a loss, and at loss rate p the responder executes about
     * 1/p requests of a burst before the next loss drops the rest: a window of 2/p keeps about 88 %
     * of the best goodput ((1 - (1 - p)^W) / p per round trip) while resending about two requests
     * per request executed, where the whole ring (1,023 at 10 % loss) resent a hundred. A path
     * without loss keeps the whole ring.
     */
    int sendWindow(int c) {
        double w = meanRun[c] == NO_LOSS ? maxWindow() : 2 * Math.max(meanRun[c], run[c]);
        return (int) Math.max(MIN_WINDOW, Math.min(maxWindow(), w));
    }

    /**
     * A liveness probe is due on collector c: if requests wait in the ring for the send window, a
     * probe (in PSN order, after them) would wait too and prove nothing; a PSN query goes now
     * instead (its answer, like a probe's, shows the responder alive) and true is returned.
     */
    boolean queryAsProbe(int c) {
        if (!settings.retransmit() || sendNext[c] == regs.nextPsn(c)) {
            return false;
        }
        psnQuery(c, x.t.queuePair(c));
        return true;
    }

    /** Collector c's queue pair starts afresh (new PSNs, or up/down). */
    void reset(int c) {
        progressAt[c] = x.now;
        querying[c] = false;
        goneBack[c] = false;
        timing[c] = false;
        srtt[c] = 0;
        rttvar[c] = 0;
        meanRun[c] = NO_LOSS;
        run[c] = 0;
    }

    /** A new pipeline. */
    void resetAll() {
        for (int c = 0; c < Tables.COLLECTORS; c++) {
            reset(c);
        }
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

    /** Requests transmitted and not acknowledged at most: the whole ring (the send window starts there). */
    private int maxWindow() {
        return ring.size() - 1;
    }

    /**
     * Whether one more request may be transmitted now: within the send window, or beyond it while
     * nothing transmitted asks for an answer (WRITEs carry AckReq every ack interval: a send window
     * smaller than that must still reach one, or no acknowledgement would ever open it), and never
     * beyond the ring.
     */
    private boolean mayTransmit(int c) {
        int t = transmitted(c);
        return t < maxWindow() && (t < sendWindow(c) || !awaiting(c));
    }

    /** Whether a request the responder answers by itself is transmitted and not acknowledged. */
    private boolean awaiting(int c) {
        int d = (answeredPsn[c] - regs.lastAcked(c)) & Bth.PSN_MASK;
        return d >= 1 && d <= transmitted(c);
    }

    /** Request {@code psn} is transmitted (first or again): note it if the responder answers it. */
    private void transmitting(int c, int psn) {
        if (ring.answered(c, psn)) {
            if (!awaiting(c)) {
                awaitingSince[c] = x.now;
            }
            answeredPsn[c] = psn;
        }
    }

    /**
     * Transmits the requests waiting in the ring, in PSN order, while the send window has room:
     * after a go-back-N, or when an acknowledgement opened the window.
     */
    private void pump(int c, QueuePairEntry qp) {
        if (qp == null || !regs.qpUp(c)) {
            return;
        }
        int next = regs.nextPsn(c);
        while (sendNext[c] != next && mayTransmit(c)) {
            int p = sendNext[c];
            transmitting(c, p);
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
                if (!timing[c]) {
                    rttPsn[c] = p;
                    rttAt[c] = x.now;
                    timing[c] = true;
                }
            }
            egress.send(qp.egress(), frame, length, TranslatorP4Names.CPU_PORT);
        }
    }
}
