package net.dta.controller.status;

import java.util.List;
import java.util.Map;

import net.dta.common.status.Secret;

/**
 * One translator as {@code /status} shows it: the P4Runtime session, what the controller wrote,
 * each queue pair, each store, and the translator's own counters as last read.
 *
 * @param state connecting, programming, ready, backup (another controller is primary), unreachable, failed
 * @param detail what the state means right now ("primary is election id 5", the last error, ...)
 * @param cmEvents RDMA CM events (protocol.md 7.1): collectors' DREQs answered and ignored, DREQs
 *                 sent for abandoned connections and DREPs received, REJs by reason
 */
public record TranslatorStatus(String name, String p4runtime, long deviceId, long electionId, String pipeline, String address,
                               String state, String detail, boolean primary, long primaryElectionId, String apiVersion,
                               long sessions, long sessionLosses, long pipelinePushes, long writes, long writeFailures,
                               String lastError, Map<String, Long> packetIns, long packetOuts, long arpReplies,
                               long unroutedFrames, Counters counters, List<QueuePairStatus> queuePairs, List<StoreStatus> stores,
                               Map<String, Long> cmEvents) {

    /**
     * The translator's counters ({@code dta_reports}, {@code dta_drops}) as last read.
     *
     * @param readAtMillis 0 when never read
     */
    public record Counters(long readAtMillis, String pollError, Map<String, Long> reports, Map<String, Long> reportBytes,
                           Map<String, Long> drops) {
    }

    /**
     * One queue pair (translator to collector).
     *
     * @param state idle, connecting, up, down, failed, suspended (translator unreachable)
     * @param step the connection step in progress or that failed
     * @param qpUp the translator's {@code dta_qp_up} as last read
     * @param resyncs PSN resynchronisations (NAK PSN sequence error, probe answers)
     * @param translatorQpn with {@code remoteQpn}, {@code startPsn} and {@code nextPsn}: left out of a status
     *                      served without client authentication (docs/security.md)
     */
    public record QueuePairStatus(String collector, int index, String address, String state, String step,
                                  @Secret String translatorQpn, @Secret String remoteQpn, @Secret String startPsn, String bootId,
                                  long connects, long downs, long failures, long collectorRestarts, String lastError, long sinceMillis,
                                  boolean qpUp, @Secret Long nextPsn, long lostPackets, long sentPackets, long sentBytes, long acks,
                                  Map<String, Long> naks, long resyncs, long probes, List<String> stores) {
    }

    /**
     * One store on this translator.
     *
     * @param collectors "known/holders": collectors whose catalog describes it, of those holding it
     * @param tailBase first tail register (Append stores), -1 otherwise
     */
    public record StoreStatus(String name, int id, String kind, String layout, boolean programmed, String collectors,
                              int tailBase, int appendBatch, String error) {
    }
}
