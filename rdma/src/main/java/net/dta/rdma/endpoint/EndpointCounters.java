package net.dta.rdma.endpoint;

import java.util.Map;

/**
 * Totals of an endpoint.
 *
 * @param drops packets dropped before reaching a queue pair, by reason: malformed reasons,
 *              bad_icrc, unknown_qp, not_roce, ...
 */
public record EndpointCounters(long packetsReceived, long bytesReceived, long packetsSent, long icrcFailures,
                               Map<String, Long> drops) {
}
