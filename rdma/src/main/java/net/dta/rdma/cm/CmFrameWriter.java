package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.rdma.wire.Deth;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RoceRoute;

/**
 * Builds complete CM frames: Ethernet / IPv4 / UDP / BTH (UD SEND Only to QP 1) / DETH (GSI
 * Q_Key, source QP 1) / 256-byte MAD / ICRC, as protocol.md 7.2 fixes them. Active side (REQ,
 * RTU, DREQ, REJ of a REP) for the controller through the translator, passive side (REP, REJ,
 * DREP) for the collector. The route's source port should be {@code RoceRoute.sourcePortOf(1)}.
 *
 * <p>Every method returns the frame length. Not thread-safe.
 */
public final class CmFrameWriter {
    /** Bytes of a CM frame: headers, DETH, MAD, ICRC. */
    public static final int FRAME_LENGTH = RoceFrameWriter.BASE_HEADERS + Deth.LENGTH + MadHeader.MAD_LENGTH + 4;
    private static final int REMOTE_CM_TIMEOUT = 20;
    private static final int LOCAL_CM_TIMEOUT = 20;
    private static final int RETRY_COUNT = 7;
    private static final int RNR_RETRY_COUNT = 7;
    private static final int MAX_CM_RETRIES = 15;
    private static final int INITIATOR_DEPTH = 16;
    private static final int RESPONDER_RESOURCES = 16;
    private static final int LOCAL_ACK_TIMEOUT = 14;
    private static final int TARGET_ACK_DELAY = 14;
    private static final int HOP_LIMIT = 64;
    private static final int PERMISSIVE_LID = 0xFFFF;

    private final RoceFrameWriter frames = new RoceFrameWriter();
    private final MadHeader mad = new MadHeader();
    private final CmReq req = new CmReq();
    private final CmRep rep = new CmRep();
    private final CmRtu rtu = new CmRtu();
    private final CmRej rej = new CmRej();
    private final CmDreq dreq = new CmDreq();
    private final CmDrep drep = new CmDrep();
    private final IpCmHeader ipCm = new IpCmHeader();

    /**
     * Starts a CM frame: headers, DETH and a MAD header; the 232-byte message is zeroed. Fill it
     * through a flyweight wrapped at the returned offset, then call {@link #finish}.
     */
    public long begin(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, int attributeId,
                      long transactionId) {
        frames.begin(dst, frameOffset, route, RoceOpcode.UD_SEND_ONLY, 1, udPsn, false).deth(Deth.GSI_QKEY, 1);
        long madAt = frames.payloadOffset();
        mad.wrap(dst, madAt).cmSend(attributeId, transactionId);
        long message = madAt + MadHeader.LENGTH;
        dst.asSlice(message, MadHeader.DATA_LENGTH).fill((byte) 0);
        frames.skip(MadHeader.MAD_LENGTH);
        return message;
    }

    public int finish() {
        return frames.finish();
    }

    /** Active side: a REQ (protocol.md 7.2 table). */
    public int req(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                   ReqParameters p) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.REQ, transactionId);
        req.wrap(dst, at)
                .localCommId(p.localCommId())
                .serviceId(ServiceId.of(p.cmPort()))
                .localCaGuid(p.localCaGuid())
                .localQkey(0)
                .localQpn(p.localQpn())
                .responderResources(0)
                .localEecn(0)
                .initiatorDepth(INITIATOR_DEPTH)
                .remoteEecn(0)
                .remoteCmResponseTimeout(REMOTE_CM_TIMEOUT)
                .transportServiceType(CmReq.TRANSPORT_RC)
                .endToEndFlowControl(false)
                .startingPsn(p.startingPsn())
                .localCmResponseTimeout(LOCAL_CM_TIMEOUT)
                .retryCount(RETRY_COUNT)
                .pkey(0xFFFF)
                .pathMtu(p.pathMtuCode())
                .rdcExists(false)
                .rnrRetryCount(RNR_RETRY_COUNT)
                .maxCmRetries(MAX_CM_RETRIES)
                .srq(false)
                .extendedTransportType(0)
                .primaryLocalLid(PERMISSIVE_LID)
                .primaryRemoteLid(PERMISSIVE_LID)
                .primaryLocalGid(ipv4MappedGid(p.localIp()))
                .primaryRemoteGid(ipv4MappedGid(p.remoteIp()))
                .flowLabelAndRate(0, 0)
                .trafficClass(0)
                .hopLimit(HOP_LIMIT)
                .serviceLevel(0)
                .subnetLocal(false)
                .localAckTimeout(LOCAL_ACK_TIMEOUT);
        req.ipCmHeader(ipCm).version(0).ipVersion(IpCmHeader.IP_VERSION_4).sourcePort(p.ipCmSourcePort())
                .sourceIpv4(p.localIp()).destinationIpv4(p.remoteIp());
        byte[] data = p.consumerData();
        MemorySegment.copy(MemorySegment.ofArray(data), 0, dst, req.consumerDataPosition(), data.length);
        return finish();
    }

    /** Passive side: a REP. */
    public int rep(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                   RepParameters p) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.REP, transactionId);
        rep.wrap(dst, at)
                .localCommId(p.localCommId())
                .remoteCommId(p.remoteCommId())
                .localQkey(0)
                .localQpn(p.localQpn())
                .localEeContext(0)
                .startingPsn(p.startingPsn())
                .responderResources(RESPONDER_RESOURCES)
                .initiatorDepth(0)
                .targetAckDelay(TARGET_ACK_DELAY)
                .failoverAccepted(0)
                .endToEndFlowControl(false)
                .rnrRetryCount(RNR_RETRY_COUNT)
                .srq(false)
                .localCaGuid(p.localCaGuid())
                .privateData(p.privateData());
        return finish();
    }

    /** Active side: an RTU. */
    public int rtu(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                   int localCommId, int remoteCommId) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.RTU, transactionId);
        rtu.wrap(dst, at).localCommId(localCommId).remoteCommId(remoteCommId);
        return finish();
    }

    /**
     * A REJ: {@code messageRejected} is {@link CmRej#REJECTED_REQ} (collector refusing a REQ) or
     * {@link CmRej#REJECTED_REP} (controller refusing a REP); {@code privateData} at most 148 bytes.
     */
    public int rej(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                   int localCommId, int remoteCommId, int messageRejected, int reason, byte[] privateData) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.REJ, transactionId);
        rej.wrap(dst, at).localCommId(localCommId).remoteCommId(remoteCommId).messageRejected(messageRejected)
                .rejectInfoLength(0).reason(reason);
        byte[] data = privateData.length > rej.privateDataLength()
                ? java.util.Arrays.copyOf(privateData, rej.privateDataLength()) : privateData;
        rej.privateData(data);
        return finish();
    }

    /**
     * Active side: a REJ (reason timeout) withdrawing a REQ the active side gave up on, as Linux's
     * cm.c sends when it destroys a connection still waiting for its REP: local comm id the REQ's,
     * remote comm id the REP's (0 when none came), message rejected "other", ARI the active side's
     * CA GUID. The passive side drops the connection it holds for that REQ (protocol.md 7.1).
     */
    public int rejTimeout(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                          int localCommId, int remoteCommId, long caGuid) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.REJ, transactionId);
        rej.wrap(dst, at).localCommId(localCommId).remoteCommId(remoteCommId).messageRejected(CmRej.REJECTED_OTHER)
                .reason(CmRej.REASON_TIMEOUT).ariCaGuid(caGuid);
        return finish();
    }

    /** Either side: a DREQ naming the peer's QPN. */
    public int dreq(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                    int localCommId, int remoteCommId, int remoteQpn) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.DREQ, transactionId);
        dreq.wrap(dst, at).localCommId(localCommId).remoteCommId(remoteCommId).remoteQpn(remoteQpn);
        return finish();
    }

    /** Either side: a DREP. */
    public int drep(MemorySegment dst, long frameOffset, RoceRoute route, int udPsn, long transactionId,
                    int localCommId, int remoteCommId) {
        long at = begin(dst, frameOffset, route, udPsn, CmAttribute.DREP, transactionId);
        drep.wrap(dst, at).localCommId(localCommId).remoteCommId(remoteCommId);
        return finish();
    }

    /** The GID of an IPv4 address on RoCEv2: {@code ::ffff:a.b.c.d}. */
    public static byte[] ipv4MappedGid(int address) {
        byte[] gid = new byte[CmReq.GID_LENGTH];
        gid[10] = (byte) 0xFF;
        gid[11] = (byte) 0xFF;
        MemorySegment.ofArray(gid).set(Bytes.U32, 12, address);
        return gid;
    }
}
