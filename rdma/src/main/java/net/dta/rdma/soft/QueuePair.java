package net.dta.rdma.soft;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RegionCounters;
import net.dta.packetio.Ipv4;
import net.dta.packetio.status.CounterArray;
import net.dta.rdma.wire.RoceRoute;

/**
 * One RC queue pair of the software responder (protocol.md 5.5): connection identity, the
 * responder state (expected PSN, MSN, outstanding sequence NAK, the atomic results of the last 1024 PSNs, the
 * write in progress) and counters.
 *
 * <p>Single writer: the data-plane thread that owns it (QPN mod threads). Other threads read
 * identity (final fields) and the counters and gauges of {@link #counters} (opaque reads), never
 * the plain state fields; the CM thread alone uses the CM fields (RTU, REP).
 */
final class QueuePair {
    static final int STATE_RTS = 0;
    static final int STATE_ERROR = 1;

    // Counter indices.
    static final int PACKETS = 0;
    static final int BYTES = 1;
    static final int WRITES = 2;
    static final int ATOMICS = 3;
    static final int READS = 4;
    static final int ACKS = 5;
    static final int PSN_GAPS = 6;
    static final int DUPLICATES = 7;
    static final int NAK_PSN_SEQUENCE = 8;
    static final int NAK_INVALID_REQUEST = 9;
    static final int NAK_REMOTE_ACCESS = 10;
    static final int NAK_REMOTE_OPERATIONAL = 11;
    static final int DROP_OUT_OF_SEQUENCE = 12;
    static final int DROP_QP_ERROR = 13;
    static final int DROP_DUPLICATE_ATOMIC_NOT_SAVED = 14;
    static final int DROP_DUPLICATE_REJECTED = 15;
    static final int GAUGE_EXPECTED_PSN = 16;
    static final int GAUGE_MSN = 17;
    static final int GAUGE_STATE = 18;
    static final int READ_RESPONSES = 19;
    private static final int COUNTERS = 20;

    /**
     * FETCH_ADD results are kept for duplicates by PSN, for the last 1024 PSNs: more than the 16
     * responder resources the REP advertises (IBTA's minimum), because a requester that does not
     * hold its FETCH_ADDs to that depth (the software translator's send window is 1024 requests)
     * resends, after lost ATOMIC ACKs, up to a window of FETCH_ADDs this responder executed; each
     * then gets its saved result instead of being dropped. Indexed by PSN: O(1) to save and find.
     */
    static final int ATOMIC_PSNS = 1024;
    private static final int SAVED = 0x8000_0000;

    final int qpn;
    final int remoteIp;
    final int remoteQpn;
    final int mtu;
    final int localCommId;
    final int remoteCommId;
    final long establishedAtMillis;
    final CounterArray counters = new CounterArray(COUNTERS);

    /** Where replies go; MACs learned from the requester's frames (zero behind IP-level sockets). */
    RoceRoute route;

    // Responder state, endpoint thread only.
    int state = STATE_RTS;
    int expectedPsn;
    int msn;
    boolean nakOutstanding;
    boolean rtuReceived;

    /** Slot psn mod ATOMIC_PSNS: that PSN with the SAVED bit (0: empty), and its FETCH_ADD's original value. */
    private final int[] atomicPsn = new int[ATOMIC_PSNS];
    final long[] atomicOriginal = new long[ATOMIC_PSNS];

    boolean writeInProgress;
    MemorySegment writeMemory;
    long writeOffset;
    long writeRemaining;
    RegionCounters writeCounters;

    /** The REP sent for this connection, to answer a repeated REQ identically. */
    byte[] repPrivateData;
    int repStartingPsn;
    long repTransactionId;

    QueuePair(int qpn, int remoteIp, int remoteQpn, int expectedPsn, int msn, int mtu, int localCommId,
              int remoteCommId, RoceRoute route, long establishedAtMillis) {
        this.qpn = qpn;
        this.remoteIp = remoteIp;
        this.remoteQpn = remoteQpn;
        this.mtu = mtu;
        this.localCommId = localCommId;
        this.remoteCommId = remoteCommId;
        this.route = route;
        this.establishedAtMillis = establishedAtMillis;
        this.expectedPsn = expectedPsn & 0xFF_FFFF;
        this.msn = msn & 0xFF_FFFF;
        publishPsn();
    }

    void publishPsn() {
        counters.set(GAUGE_EXPECTED_PSN, expectedPsn);
        counters.set(GAUGE_MSN, msn);
    }

    void toError() {
        state = STATE_ERROR;
        writeInProgress = false;
        counters.set(GAUGE_STATE, STATE_ERROR);
    }

    boolean inError() {
        return state == STATE_ERROR;
    }

    /** For other threads than the owner: the state as published in the counters. */
    boolean inErrorPublished() {
        return counters.get(GAUGE_STATE) == STATE_ERROR;
    }

    void saveAtomic(int psn, long original) {
        int slot = psn & (ATOMIC_PSNS - 1);
        atomicPsn[slot] = psn | SAVED;
        atomicOriginal[slot] = original;
    }

    /** Index of the saved result of the FETCH_ADD with this PSN, or -1 (none, or overwritten by a later one). */
    int findAtomic(int psn) {
        int slot = psn & (ATOMIC_PSNS - 1);
        return atomicPsn[slot] == (psn | SAVED) ? slot : -1;
    }

    QueuePairInfo info() {
        Map<String, Long> naks = new LinkedHashMap<>();
        naks.put("psn_sequence", counters.get(NAK_PSN_SEQUENCE));
        naks.put("invalid_request", counters.get(NAK_INVALID_REQUEST));
        naks.put("remote_access", counters.get(NAK_REMOTE_ACCESS));
        naks.put("remote_operational", counters.get(NAK_REMOTE_OPERATIONAL));
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("out_of_sequence", counters.get(DROP_OUT_OF_SEQUENCE));
        drops.put("qp_error", counters.get(DROP_QP_ERROR));
        drops.put("duplicate_atomic_not_saved", counters.get(DROP_DUPLICATE_ATOMIC_NOT_SAVED));
        drops.put("duplicate_failed_check", counters.get(DROP_DUPLICATE_REJECTED));
        return new QueuePairInfo(qpn, Ipv4.toInetAddress(remoteIp), remoteQpn, (int) counters.get(GAUGE_EXPECTED_PSN),
                counters.get(GAUGE_STATE) == STATE_ERROR ? "ERROR" : "RTS", counters.get(PACKETS), counters.get(BYTES),
                counters.get(WRITES), counters.get(ATOMICS), counters.get(READS), counters.get(ACKS),
                counters.get(PSN_GAPS), counters.get(DUPLICATES), naks, drops, establishedAtMillis);
    }

    QueuePairState snapshot() {
        return new QueuePairState(qpn, Ipv4.toBytes(remoteIp), remoteQpn, (int) counters.get(GAUGE_EXPECTED_PSN),
                (int) counters.get(GAUGE_MSN), mtu, localCommId & 0xFFFF_FFFFL, remoteCommId & 0xFFFF_FFFFL);
    }
}
