package net.dta.rdma.endpoint;

import java.net.InetAddress;
import java.util.Map;

/**
 * A queue pair for status and metrics.
 *
 * @param state "RTS" or "ERROR"
 * @param naksBySyndrome NAKs sent, by name: psn_sequence, invalid_request, remote_access, remote_operational
 * @param drops packets dropped silently, by reason (duplicate_atomic_not_saved, out_of_sequence, qp_error, ...)
 */
public record QueuePairInfo(int qpn, InetAddress remoteAddress, int remoteQpn, int expectedPsn, String state,
                            long packets, long bytes, long writes, long atomics, long reads, long acks,
                            long psnGaps, long duplicates, Map<String, Long> naksBySyndrome, Map<String, Long> drops,
                            long establishedAtMillis) {
}
