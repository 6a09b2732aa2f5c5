package net.dta.rdma.soft;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.auth.CmBinding;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmGate;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.cm.CmRej;
import net.dta.rdma.cm.CmRefusal;
import net.dta.rdma.cm.CmReq;
import net.dta.rdma.cm.IpCmHeader;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.RepParameters;
import net.dta.rdma.cm.ServiceId;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.packetio.Ipv4;
import net.dta.packetio.status.LogOnce;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * The passive side of RDMA CM on QP 1 (protocol.md 7.2, 7.3): REQ → the collector's
 * {@link ConnectionHandler} → REP with its private data (or REJ), a repeated REQ → the same REP,
 * RTU, DREQ → DREP, REJ from the requester. Control path: allocation is fine here.
 *
 * <p>Runs on the data-plane thread that owns QPN 1; it creates and closes queue pairs in the
 * {@link QueuePairTable}, which hands each to the thread that owns it.
 */
final class CmResponder {
    private static final Logger LOG = LoggerFactory.getLogger(CmResponder.class);
    private static final int LOG_PARSE = 0;
    private static final int LOG_UNKNOWN = CmParseResult.values().length;
    private static final int LOG_REJECTED = LOG_UNKNOWN + 1;
    private static final int LOG_REASONS = LOG_REJECTED + 1;

    private final SoftRoceConfig config;
    private final QueuePairTable queuePairs;
    private final EndpointStats stats;
    private final ConnectionEvents events;
    private final int forcedSourcePort;
    private final CmPacket cm = new CmPacket();
    private final CmFrameWriter writer = new CmFrameWriter();
    private final LogOnce logOnce = new LogOnce(LOG, LOG_REASONS);
    private final IpCmHeader ipCm = new IpCmHeader();
    private final CmGate gate;
    private int udPsn;
    /** The last connections closed, so that a repeated DREQ (our DREP lost) is answered again. */
    private static final int CLOSED_REMEMBERED = 64;
    private final int[] closedIp = new int[CLOSED_REMEMBERED];
    private final long[] closedIds = new long[CLOSED_REMEMBERED];
    private int closedNext;

    /**
     * @param forcedSourcePort the UDP source port every sent frame will carry (UDP mode), or -1 to
     *                         use protocol.md 5.1's per-QP port
     */
    CmResponder(SoftRoceConfig config, QueuePairTable queuePairs, EndpointStats stats, ConnectionEvents events,
                int forcedSourcePort) {
        this.config = config;
        this.queuePairs = queuePairs;
        this.stats = stats;
        this.events = events;
        this.forcedSourcePort = forcedSourcePort;
        this.gate = new CmGate(config.cmPolicy(), LOG, config.clock().millis());
    }

    RoceRoute routeFor(int sendingQpn, long localMac, long remoteMac, int remoteIp) {
        int port = forcedSourcePort >= 0 ? forcedSourcePort : RoceRoute.sourcePortOf(sendingQpn);
        return new RoceRoute(localMac, remoteMac, config.localAddress(), remoteIp, port);
    }

    void onPacket(RocePacket packet, ReplySink sink) {
        CmParseResult result = cm.parse(packet);
        if (result != CmParseResult.OK) {
            stats.cm(result);
            logOnce.warn(LOG_PARSE + result.ordinal(), "dropped a MAD to QP 1: {}", result.label());
            return;
        }
        RoceRoute back = routeFor(1, packet.ethernet().destination(), packet.ethernet().source(), packet.ip().source());
        switch (cm.attributeId()) {
            case CmAttribute.REQ -> onRequest(packet, back, sink);
            case CmAttribute.RTU -> {
                QueuePair qp = find(packet.ip().source(), cm.rtu().remoteCommId(), cm.rtu().localCommId());
                if (qp == null) {
                    unknownConnection("RTU");
                } else {
                    qp.rtuReceived = true;
                }
            }
            case CmAttribute.DREQ -> {
                int ours = cm.dreq().remoteCommId();
                int theirs = cm.dreq().localCommId();
                QueuePair qp = find(packet.ip().source(), ours, theirs);
                if (qp == null && !recentlyClosed(packet.ip().source(), ours, theirs)) {
                    // Not ours: no DREP, or anyone could make us send one to any address (issue 13 item 12).
                    unknownConnection("DREQ");
                    return;
                }
                // A DREP also for a connection closed a moment ago: the requester may have missed our first one.
                send(sink, writer.drep(sink.segment(), sink.claim(), back, nextUdPsn(), cm.mad().transactionId(), ours,
                        theirs));
                if (qp != null) {
                    close(qp, "disconnected by the requester (DREQ)");
                }
            }
            case CmAttribute.REJ -> {
                // A timeout REJ withdraws a REQ whose REP the requester never got: found by the requester's
                // communication id alone, as Linux finds it (cm.c: cm_acquire_rejected_id, by the ARI's CA GUID).
                QueuePair qp = cm.rej().reason() == CmRej.REASON_TIMEOUT
                        ? findByRequest(packet.ip().source(), cm.rej().localCommId())
                        : find(packet.ip().source(), cm.rej().remoteCommId(), cm.rej().localCommId());
                if (qp == null) {
                    unknownConnection("REJ");
                } else {
                    close(qp, "rejected by the requester (REJ: " + CmRej.reasonName(cm.rej().reason()) + ")");
                }
            }
            default -> stats.increment(EndpointStats.CM_IGNORED);
        }
    }

    private void onRequest(RocePacket packet, RoceRoute back, ReplySink sink) {
        CmReq req = cm.req();
        int requester = packet.ip().source();
        long tid = cm.mad().transactionId();
        long now = config.clock().millis();
        if (req.serviceId() != ServiceId.of(config.cmPort())) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_INVALID_SERVICE_ID, "service id 0x"
                    + Long.toHexString(req.serviceId()) + " is not this collector's (CM port " + config.cmPort() + ")", now);
            return;
        }
        // Authenticated before anything else is looked at or created (protocol.md 7.3).
        int requesterPort = req.ipCmHeader(ipCm).sourcePort();
        CmBinding binding = new CmBinding(requester, requesterPort, config.localAddress(), config.cmPort(), req.localQpn());
        CmGate.Verdict verdict = gate.authenticate(binding, req.segment(), req.consumerDataPosition(),
                CmReq.PRIVATE_DATA_LENGTH - IpCmHeader.LENGTH, now);
        if (!verdict.ok()) {
            refuse(sink, back, tid, req.localCommId(), verdict.refusal(), requester, now);
            return;
        }
        QueuePair repeated = findByRequest(requester, req.localCommId());
        if (repeated != null) {
            sendRep(sink, back, repeated); // the requester resent its REQ (our REP was lost): the same REP
            return;
        }
        if (gate.replayed(verdict.mac(), now)) {
            refuse(sink, back, tid, req.localCommId(), CmRefusal.REPLAY, requester, now);
            return;
        }
        if (req.localQpn() == 0 || req.localQpn() == 1) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_CONSUMER_REJECT,
                    "local QPN " + req.localQpn() + " is not an RC queue pair (QPs 0 and 1 are the SMI and GSI)", now);
            return;
        }
        if ((req.pkey() & 0x7FFF) == 0) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_CONSUMER_REJECT,
                    "P_Key 0x" + Integer.toHexString(req.pkey()) + " is the invalid P_Key", now);
            return;
        }
        if (req.transportServiceType() != CmReq.TRANSPORT_RC) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_INVALID_TRANSPORT_TYPE,
                    "transport service type " + req.transportServiceType() + " is not RC", now);
            return;
        }
        int mtu = PathMtu.bytes(req.pathMtu());
        if (mtu < 0) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_CONSUMER_REJECT,
                    "path MTU code " + req.pathMtu() + " is not 1..5", now);
            return;
        }
        QueuePair[] live = queuePairs.live();
        QueuePair replaced = null;
        int fromSource = 0;
        for (QueuePair old : live) {
            if (old.remoteIp == requester) {
                fromSource++;
                if (old.remoteQpn == req.localQpn()) {
                    replaced = old;
                }
            }
        }
        CmRefusal limit = gate.admit(requester, fromSource, live.length, replaced != null, now);
        if (limit != null) {
            refuse(sink, back, tid, req.localCommId(), limit, requester, now);
            return;
        }
        byte[] consumerData = new byte[CmReq.PRIVATE_DATA_LENGTH - IpCmHeader.LENGTH];
        java.lang.foreign.MemorySegment.copy(req.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE,
                req.consumerDataPosition(), consumerData, 0, consumerData.length);
        ConnectRequest request = new ConnectRequest(Ipv4.toInetAddress(requester), req.localQpn(), req.startingPsn(),
                req.serviceId(), req.localCaGuid(), consumerData);
        byte[] repData;
        try {
            repData = events.connectRequest(request);
        } catch (ConnectionHandler.ConnectionRejected e) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_CONSUMER_REJECT, e.getMessage(), now);
            return;
        }
        if (Math.max(repData.length, ConnectReplyData.USED_BYTES) > net.dta.rdma.cm.CmRep.PRIVATE_DATA_LENGTH
                || repData.length < ConnectReplyData.SIGNED_BYTES) {
            reject(sink, back, tid, req.localCommId(), CmRej.REASON_CONSUMER_REJECT,
                    "collector error: REP private data of " + repData.length + " bytes (40..196)", now);
            return;
        }
        gate.remember(verdict.mac(), now);
        if (replaced != null) {
            // Only an authenticated REQ gets here: the controller reconnecting the translator's queue pair.
            LOG.warn("queue pair 0x{} of requester {} QPN 0x{} is replaced by an authenticated REQ (translator {})",
                    Integer.toHexString(replaced.qpn), Ipv4.format(requester), Integer.toHexString(req.localQpn()),
                    verdict.translatorId());
            close(replaced, "replaced by an authenticated connection request from the same requester and QPN");
        }
        int qpn = allocateQpn();
        // As Linux's passive side (cm.c: ib_send_cm_rep sets rq_psn from the REP's starting PSN,
        // cm_req_handler sets sq_psn from the REQ's): the requester sends from the PSN our REP
        // announces, so that is the PSN this queue pair expects first (protocol.md 7.3).
        int repStartingPsn = config.ids().nextStartingPsn() & 0xFF_FFFF;
        QueuePair qp = new QueuePair(qpn, requester, req.localQpn(), repStartingPsn, 0, mtu,
                config.ids().nextCommId(), req.localCommId(),
                routeFor(qpn, packet.ethernet().destination(), packet.ethernet().source(), requester),
                System.currentTimeMillis());
        qp.repPrivateData = gate.seal(repData, verdict.mac(), qpn);
        qp.repStartingPsn = repStartingPsn;
        qp.repTransactionId = tid;
        queuePairs.put(qp);
        sendRep(sink, back, qp);
        LOG.info("queue pair 0x{} connected: translator {} at {} QPN 0x{}, expects PSN 0x{} (the REP's), MTU {}",
                Integer.toHexString(qpn), verdict.translatorId(), Ipv4.format(requester), Integer.toHexString(req.localQpn()),
                Integer.toHexString(repStartingPsn), mtu);
        events.established(qp);
    }

    /** A REQ refused before anything was created: counted, logged per source, a REJ only within the budget. */
    private void refuse(ReplySink sink, RoceRoute back, long tid, int remoteCommId, CmRefusal reason, int requester, long now) {
        if (gate.refused(reason, requester, now)) {
            send(sink, writer.rej(sink.segment(), sink.claim(), back, nextUdPsn(), tid, 0, remoteCommId,
                    CmRej.REJECTED_REQ, CmRej.REASON_CONSUMER_REJECT, reason.message().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Refusal counters by name, for the endpoint's drops (status, /metrics). */
    java.util.Map<String, Long> refusals() {
        return gate.counts();
    }

    private void sendRep(ReplySink sink, RoceRoute back, QueuePair qp) {
        RepParameters p = new RepParameters(qp.localCommId, qp.remoteCommId, qp.qpn, qp.repStartingPsn,
                config.caGuid(), qp.repPrivateData == null ? new byte[0] : qp.repPrivateData);
        send(sink, writer.rep(sink.segment(), sink.claim(), back, nextUdPsn(), qp.repTransactionId, p));
    }

    private void reject(ReplySink sink, RoceRoute back, long tid, int remoteCommId, int reason, String message, long now) {
        stats.increment(EndpointStats.CM_REJECTED);
        logOnce.warn(LOG_REJECTED, "rejected a connection request from {}: {} (REJ: {})", Ipv4.format(back.destinationIp()),
                message, CmRej.reasonName(reason));
        if (!gate.mayAnswer(now)) {
            return; // anyone can send REQs with any source address: REJs are rate-limited, not a reflector
        }
        send(sink, writer.rej(sink.segment(), sink.claim(), back, nextUdPsn(), tid, 0, remoteCommId,
                CmRej.REJECTED_REQ, reason, message.getBytes(StandardCharsets.UTF_8)));
    }

    private void close(QueuePair qp, String reason) {
        queuePairs.remove(qp.qpn);
        closedIp[closedNext] = qp.remoteIp;
        closedIds[closedNext] = (long) qp.localCommId << 32 | (qp.remoteCommId & 0xFFFF_FFFFL);
        closedNext = (closedNext + 1) % CLOSED_REMEMBERED;
        LOG.info("queue pair 0x{} closed: {}", Integer.toHexString(qp.qpn), reason);
        if (!qp.inErrorPublished()) {
            events.closed(qp, reason); // an ERROR queue pair was reported by its thread when it failed
        }
    }

    private void unknownConnection(String what) {
        stats.increment(EndpointStats.CM_UNKNOWN_CONNECTION);
        logOnce.warn(LOG_UNKNOWN, "ignored a {} for a connection this endpoint does not know", what);
    }

    private void send(ReplySink sink, int frameLength) {
        sink.commit(frameLength);
    }

    private int nextUdPsn() {
        int psn = udPsn;
        udPsn = (udPsn + 1) & 0xFF_FFFF;
        return psn;
    }

    /** The queue pair of a connection: our comm id and the requester's, from the requester's address. */
    private QueuePair find(int requester, int ourCommId, int theirCommId) {
        for (QueuePair qp : queuePairs.live()) {
            if (qp.remoteIp == requester && qp.localCommId == ourCommId && qp.remoteCommId == theirCommId) {
                return qp;
            }
        }
        return null;
    }

    private boolean recentlyClosed(int requester, int ourCommId, int theirCommId) {
        long ids = (long) ourCommId << 32 | (theirCommId & 0xFFFF_FFFFL);
        for (int i = 0; i < CLOSED_REMEMBERED; i++) {
            if (closedIds[i] == ids && closedIp[i] == requester && ids != 0) {
                return true;
            }
        }
        return false;
    }

    private QueuePair findByRequest(int requester, int theirCommId) {
        for (QueuePair qp : queuePairs.live()) {
            if (qp.remoteIp == requester && qp.remoteCommId == theirCommId) {
                return qp;
            }
        }
        return null;
    }

    /** A random free QPN (protocol.md 7.3): sequential ones let anyone guess the next. */
    private int allocateQpn() {
        for (int tries = 0; tries < 1 << 20; tries++) {
            int candidate = config.ids().nextQpn(config.firstQpn()) & 0xFF_FFFF;
            if (candidate >= 2 && queuePairs.get(candidate) == null) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free QPN");
    }
}
