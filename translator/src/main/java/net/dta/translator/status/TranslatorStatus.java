package net.dta.translator.status;

import java.util.List;
import java.util.Map;

import net.dta.common.status.Secret;

/**
 * Everything {@code /status} shows, one record per part; {@code /metrics} is derived from the
 * same record ({@link TranslatorMetrics}). JSON with snake_case names ({@link net.dta.common.status.StatusJson}).
 *
 * @param failure   why the data plane stopped, or null while it runs
 * @param intIngest the INT ingest's counters (docs/int.md), or null when it is off
 */
public record TranslatorStatus(String translator, long deviceId, long startedAtMillis, long uptimeMillis, Network network,
                               P4Runtime p4runtime, Reports reports, List<QueuePair> queuePairs, Map<String, Long> dataPlane,
                               Map<String, Long> roceDrops, Sockets sockets, TableSizes tables, Settings settings,
                               Held held, Admin admin, String failure, IntIngest intIngest, Map<String, Accounting> accounting,
                               Requester requester) {

    /**
     * @param address       the translator's address (RoCEv2)
     * @param reportAddress where reports arrive (network.report-address; the address by default)
     * @param icrc          how ICRCs are handled in this mode, in words
     */
    public record Network(String mode, String address, String reportAddress, int reportPort, int rocePort, String mac, boolean icrcExact,
                          boolean icrcVerified, String icrc, String reportSocket, String roceSocket) {
    }

    public record P4Runtime(String address, boolean pipelineSet, long cookie, int clients, String primary, String apiVersion) {
    }

    /** Reports accepted by primitive and dropped by reason (the dta_reports and dta_drops counters). */
    public record Reports(Map<String, Long> accepted, Map<String, Long> acceptedBytes, Map<String, Long> dropped) {
    }

    /**
     * The QPNs and PSNs are left out of a status served without client authentication (docs/security.md).
     *
     * @param sendWindow              requests the retransmitting requester may have unacknowledged now: the
     *                                whole ring until the first loss, then twice the run between losses
     *                                (protocol.md 5.6); -1 with the switch requester
     * @param retransmitTimeoutMicros its retransmit timeout now (RFC 6298 from measured round trips, at
     *                                most the configured one); -1 with the switch requester
     */
    public record QueuePair(int collector, @Secret String localQpn, String collectorIp, String translatorIp, @Secret String remoteQpn,
                            String route, boolean up, @Secret String nextPsn, @Secret String lastAckedPsn, long lostPackets, long sent,
                            long sentBytes, long acks, Map<String, Long> naks, long resyncs, long probes, int sendWindow,
                            long retransmitTimeoutMicros) {
    }

    /**
     * @param reportKernelDrops report datagrams the kernel dropped because the report socket's
     *                          receive buffer was full (the data plane did not keep up); -1 unknown
     * @param roceKernelDrops   the same for the RoCEv2 socket (replies from collectors)
     */
    public record Sockets(long reportsReceived, long reportBytesReceived, long reportsOversized, long reportReceiveErrors,
                          long roceReceived, long roceSent, long roceSendErrors, long roceReceiveErrors, long reportKernelDrops,
                          long roceKernelDrops) {
    }

    public record TableSizes(int stores, int collectorSelect, int queuePairs, int regions, int localAddresses, int routes) {
    }

    public record Settings(int ackIntervalLog2, long flushIntervalMicros, int probeIntervalMillis) {
    }

    /** What the data plane holds: postcard flows waiting for hops, Append lists with a partial batch. */
    public record Held(int postcardFlows, int postcardCacheEntries, int appendBatches, int appendTailSlots) {
    }

    public record Admin(String address) {
    }

    /**
     * Where a primitive's accepted reports are (issue 13 item 2): at a quiet moment accepted =
     * applied + held + inFlight + the sum of lost.
     *
     * @param held     in the postcard cache or an Append batch
     * @param inFlight sent, not yet acknowledged
     * @param lost     by reason (ReportLedger.LossReason labels)
     */
    public record Accounting(long accepted, long applied, long held, long inFlight, Map<String, Long> lost) {
    }

    /** The requester class (protocol.md 5.6): retransmitting (go-back-N) or switch (rewind). */
    public record Requester(boolean retransmit, int window, long timeoutMicros) {
    }

    /**
     * INT ingest (docs/int.md): Telemetry Report datagrams and individual reports received, DTA reports
     * made from them, INT telemetry not converted by reason, and notes (skipped parts, nothing lost).
     */
    public record IntIngest(int port, long datagrams, long reports, long converted, Map<String, Long> dropped,
                            Map<String, Long> notes) {
    }
}
