package net.dta.rdma.soft;

import java.util.LinkedHashMap;
import java.util.Map;

import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.packetio.status.CounterArray;
import net.dta.rdma.wire.MalformedReason;

/**
 * Endpoint-wide counters: packets, and drops that happen before a queue pair is involved, by
 * reason (malformed reasons of the parser, CM reasons, unknown_qp, ...). One writer (the
 * endpoint thread); readers build {@link EndpointCounters} snapshots.
 */
final class EndpointStats {
    static final int PACKETS = 0;
    static final int BYTES = 1;
    static final int PACKETS_SENT = 2;
    static final int UNKNOWN_QP = 3;
    static final int NOT_A_REQUEST = 4;
    static final int CM_UNKNOWN_CONNECTION = 5;
    static final int CM_REJECTED = 6;
    static final int CM_IGNORED = 7;
    static final int INTERNAL_ERROR = 8;
    static final int OVERSIZED = 9;
    static final int WRONG_SOURCE = 10;
    private static final String[] FIXED = {"packets", "bytes", "packets_sent", "unknown_qp", "not_a_request",
            "cm_unknown_connection", "cm_rejected", "cm_ignored", "internal_error", "oversized", "wrong_source"};
    private static final int MALFORMED_BASE = FIXED.length;
    private static final int CM_BASE = MALFORMED_BASE + MalformedReason.values().length;
    private static final int SIZE = CM_BASE + CmParseResult.values().length;

    final CounterArray counters = new CounterArray(SIZE);

    void malformed(MalformedReason reason) {
        counters.increment(MALFORMED_BASE + reason.ordinal());
    }

    void cm(CmParseResult reason) {
        counters.increment(CM_BASE + reason.ordinal());
    }

    void increment(int counter) {
        counters.increment(counter);
    }

    long get(int counter) {
        return counters.get(counter);
    }

    long malformedCount(MalformedReason reason) {
        return counters.get(MALFORMED_BASE + reason.ordinal());
    }

    EndpointCounters snapshot() {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (MalformedReason r : MalformedReason.values()) {
            if (r != MalformedReason.OK) {
                drops.put(r.label(), malformedCount(r));
            }
        }
        for (CmParseResult r : CmParseResult.values()) {
            if (r != CmParseResult.OK) {
                drops.put(r.label(), counters.get(CM_BASE + r.ordinal()));
            }
        }
        for (int i = UNKNOWN_QP; i < FIXED.length; i++) {
            drops.put(FIXED[i], counters.get(i));
        }
        return new EndpointCounters(counters.get(PACKETS), counters.get(BYTES), counters.get(PACKETS_SENT),
                malformedCount(MalformedReason.BAD_ICRC), drops);
    }
}
