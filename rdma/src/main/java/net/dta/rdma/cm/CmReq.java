package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over a CM REQ (ConnectRequest) message, offsets of protocol.md 7.2 (IBTA Vol. 1
 * 12.6.5; the Linux kernel's include/rdma/ibta_vol1_c12.h has the same table).
 *
 * <pre>
 *  0      local communication id        4      reserved
 *  8      service id (64)
 *  16     local CA GUID (64)
 *  24     reserved                      28     local Q_Key
 *  32     local QPN (24) | responder resources (8)
 *  36     local EECN (24) | initiator depth (8)
 *  40     remote EECN (24) | remote CM response timeout (5) transport service type (2) e2e flow control (1)
 *  44     starting PSN (24) | local CM response timeout (5) retry count (3)
 *  48     P_Key (16) | path MTU (4) RDC exists (1) RNR retry count (3) | max CM retries (4) SRQ (1) ext. transport (3)
 *  52     primary local LID (16) | primary remote LID (16)
 *  56     primary local GID (128)
 *  72     primary remote GID (128)
 *  88     flow label (20) reserved (6) packet rate (6)
 *  92     traffic class | hop limit | SL (4) subnet local (1) reserved (3) | local ACK timeout (5) reserved (3)
 *  96     alternate path (44 bytes)
 *  140    private data (92 bytes: IP CM header 36 + consumer data 56)
 * </pre>
 */
public final class CmReq extends CmMessage<CmReq> {
    public static final int SERVICE_ID_OFFSET = 8;
    public static final int LOCAL_CA_GUID_OFFSET = 16;
    public static final int LOCAL_QKEY_OFFSET = 28;
    public static final int LOCAL_QPN_OFFSET = 32;
    public static final int RESPONDER_RESOURCES_OFFSET = 35;
    public static final int LOCAL_EECN_OFFSET = 36;
    public static final int INITIATOR_DEPTH_OFFSET = 39;
    public static final int REMOTE_EECN_OFFSET = 40;
    public static final int TIMEOUT_TRANSPORT_OFFSET = 43;
    public static final int STARTING_PSN_OFFSET = 44;
    public static final int LOCAL_TIMEOUT_RETRY_OFFSET = 47;
    public static final int PKEY_OFFSET = 48;
    public static final int MTU_RDC_RNR_OFFSET = 50;
    public static final int CM_RETRIES_SRQ_OFFSET = 51;
    public static final int PRIMARY_LOCAL_LID_OFFSET = 52;
    public static final int PRIMARY_REMOTE_LID_OFFSET = 54;
    public static final int PRIMARY_LOCAL_GID_OFFSET = 56;
    public static final int PRIMARY_REMOTE_GID_OFFSET = 72;
    public static final int FLOW_LABEL_OFFSET = 88;
    public static final int TRAFFIC_CLASS_OFFSET = 92;
    public static final int HOP_LIMIT_OFFSET = 93;
    public static final int SL_SUBNET_LOCAL_OFFSET = 94;
    public static final int LOCAL_ACK_TIMEOUT_OFFSET = 95;
    public static final int ALTERNATE_PATH_OFFSET = 96;
    public static final int PRIVATE_DATA_OFFSET = 140;
    public static final int PRIVATE_DATA_LENGTH = 92;

    /** Transport service type RC. */
    public static final int TRANSPORT_RC = 0;
    public static final int GID_LENGTH = 16;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public long serviceId() {
        return u64(SERVICE_ID_OFFSET);
    }

    public CmReq serviceId(long v) {
        u64(SERVICE_ID_OFFSET, v);
        return this;
    }

    public long localCaGuid() {
        return u64(LOCAL_CA_GUID_OFFSET);
    }

    public CmReq localCaGuid(long v) {
        u64(LOCAL_CA_GUID_OFFSET, v);
        return this;
    }

    public int localQkey() {
        return u32(LOCAL_QKEY_OFFSET);
    }

    public CmReq localQkey(int v) {
        u32(LOCAL_QKEY_OFFSET, v);
        return this;
    }

    public int localQpn() {
        return u24(LOCAL_QPN_OFFSET);
    }

    public CmReq localQpn(int v) {
        u24(LOCAL_QPN_OFFSET, v);
        return this;
    }

    public int responderResources() {
        return u8(RESPONDER_RESOURCES_OFFSET);
    }

    public CmReq responderResources(int v) {
        u8(RESPONDER_RESOURCES_OFFSET, v);
        return this;
    }

    public int localEecn() {
        return u24(LOCAL_EECN_OFFSET);
    }

    public CmReq localEecn(int v) {
        u24(LOCAL_EECN_OFFSET, v);
        return this;
    }

    public int initiatorDepth() {
        return u8(INITIATOR_DEPTH_OFFSET);
    }

    public CmReq initiatorDepth(int v) {
        u8(INITIATOR_DEPTH_OFFSET, v);
        return this;
    }

    public int remoteEecn() {
        return u24(REMOTE_EECN_OFFSET);
    }

    public CmReq remoteEecn(int v) {
        u24(REMOTE_EECN_OFFSET, v);
        return this;
    }

    public int remoteCmResponseTimeout() {
        return bits(TIMEOUT_TRANSPORT_OFFSET, 3, 5);
    }

    public CmReq remoteCmResponseTimeout(int v) {
        bits(TIMEOUT_TRANSPORT_OFFSET, 3, 5, v);
        return this;
    }

    public int transportServiceType() {
        return bits(TIMEOUT_TRANSPORT_OFFSET, 1, 2);
    }

    public CmReq transportServiceType(int v) {
        bits(TIMEOUT_TRANSPORT_OFFSET, 1, 2, v);
        return this;
    }

    public boolean endToEndFlowControl() {
        return bits(TIMEOUT_TRANSPORT_OFFSET, 0, 1) != 0;
    }

    public CmReq endToEndFlowControl(boolean v) {
        bits(TIMEOUT_TRANSPORT_OFFSET, 0, 1, v ? 1 : 0);
        return this;
    }

    public int startingPsn() {
        return u24(STARTING_PSN_OFFSET);
    }

    public CmReq startingPsn(int v) {
        u24(STARTING_PSN_OFFSET, v);
        return this;
    }

    public int localCmResponseTimeout() {
        return bits(LOCAL_TIMEOUT_RETRY_OFFSET, 3, 5);
    }

    public CmReq localCmResponseTimeout(int v) {
        bits(LOCAL_TIMEOUT_RETRY_OFFSET, 3, 5, v);
        return this;
    }

    public int retryCount() {
        return bits(LOCAL_TIMEOUT_RETRY_OFFSET, 0, 3);
    }

    public CmReq retryCount(int v) {
        bits(LOCAL_TIMEOUT_RETRY_OFFSET, 0, 3, v);
        return this;
    }

    public int pkey() {
        return u16(PKEY_OFFSET);
    }

    public CmReq pkey(int v) {
        u16(PKEY_OFFSET, v);
        return this;
    }

    /** IB MTU code: 1 = 256, 2 = 512, 3 = 1024, 4 = 2048, 5 = 4096. */
    public int pathMtu() {
        return bits(MTU_RDC_RNR_OFFSET, 4, 4);
    }

    public CmReq pathMtu(int v) {
        bits(MTU_RDC_RNR_OFFSET, 4, 4, v);
        return this;
    }

    public boolean rdcExists() {
        return bits(MTU_RDC_RNR_OFFSET, 3, 1) != 0;
    }

    public CmReq rdcExists(boolean v) {
        bits(MTU_RDC_RNR_OFFSET, 3, 1, v ? 1 : 0);
        return this;
    }

    public int rnrRetryCount() {
        return bits(MTU_RDC_RNR_OFFSET, 0, 3);
    }

    public CmReq rnrRetryCount(int v) {
        bits(MTU_RDC_RNR_OFFSET, 0, 3, v);
        return this;
    }

    public int maxCmRetries() {
        return bits(CM_RETRIES_SRQ_OFFSET, 4, 4);
    }

    public CmReq maxCmRetries(int v) {
        bits(CM_RETRIES_SRQ_OFFSET, 4, 4, v);
        return this;
    }

    public boolean srq() {
        return bits(CM_RETRIES_SRQ_OFFSET, 3, 1) != 0;
    }

    public CmReq srq(boolean v) {
        bits(CM_RETRIES_SRQ_OFFSET, 3, 1, v ? 1 : 0);
        return this;
    }

    public int extendedTransportType() {
        return bits(CM_RETRIES_SRQ_OFFSET, 0, 3);
    }

    public CmReq extendedTransportType(int v) {
        bits(CM_RETRIES_SRQ_OFFSET, 0, 3, v);
        return this;
    }

    public int primaryLocalLid() {
        return u16(PRIMARY_LOCAL_LID_OFFSET);
    }

    public CmReq primaryLocalLid(int v) {
        u16(PRIMARY_LOCAL_LID_OFFSET, v);
        return this;
    }

    public int primaryRemoteLid() {
        return u16(PRIMARY_REMOTE_LID_OFFSET);
    }

    public CmReq primaryRemoteLid(int v) {
        u16(PRIMARY_REMOTE_LID_OFFSET, v);
        return this;
    }

    public byte[] primaryLocalGid() {
        return gid(PRIMARY_LOCAL_GID_OFFSET);
    }

    public CmReq primaryLocalGid(byte[] gid) {
        gid(PRIMARY_LOCAL_GID_OFFSET, gid);
        return this;
    }

    public byte[] primaryRemoteGid() {
        return gid(PRIMARY_REMOTE_GID_OFFSET);
    }

    public CmReq primaryRemoteGid(byte[] gid) {
        gid(PRIMARY_REMOTE_GID_OFFSET, gid);
        return this;
    }

    public int flowLabel() {
        return u32(FLOW_LABEL_OFFSET) >>> 12;
    }

    public int packetRate() {
        return u32(FLOW_LABEL_OFFSET) & 0x3F;
    }

    public CmReq flowLabelAndRate(int flowLabel, int packetRate) {
        u32(FLOW_LABEL_OFFSET, (flowLabel << 12) | (packetRate & 0x3F));
        return this;
    }

    public int trafficClass() {
        return u8(TRAFFIC_CLASS_OFFSET);
    }

    public CmReq trafficClass(int v) {
        u8(TRAFFIC_CLASS_OFFSET, v);
        return this;
    }

    public int hopLimit() {
        return u8(HOP_LIMIT_OFFSET);
    }

    public CmReq hopLimit(int v) {
        u8(HOP_LIMIT_OFFSET, v);
        return this;
    }

    public int serviceLevel() {
        return bits(SL_SUBNET_LOCAL_OFFSET, 4, 4);
    }

    public CmReq serviceLevel(int v) {
        bits(SL_SUBNET_LOCAL_OFFSET, 4, 4, v);
        return this;
    }

    public boolean subnetLocal() {
        return bits(SL_SUBNET_LOCAL_OFFSET, 3, 1) != 0;
    }

    public CmReq subnetLocal(boolean v) {
        bits(SL_SUBNET_LOCAL_OFFSET, 3, 1, v ? 1 : 0);
        return this;
    }

    public int localAckTimeout() {
        return bits(LOCAL_ACK_TIMEOUT_OFFSET, 3, 5);
    }

    public CmReq localAckTimeout(int v) {
        bits(LOCAL_ACK_TIMEOUT_OFFSET, 3, 5, v);
        return this;
    }

    /** The IP CM header at the start of the private data (protocol.md 7.2). */
    public IpCmHeader ipCmHeader(IpCmHeader flyweight) {
        return flyweight.wrap(segment, offset + PRIVATE_DATA_OFFSET);
    }

    /** Absolute offset of the consumer private data (after the 36-byte IP CM header). */
    public long consumerDataPosition() {
        return offset + PRIVATE_DATA_OFFSET + IpCmHeader.LENGTH;
    }

    private byte[] gid(int at) {
        byte[] out = new byte[GID_LENGTH];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + at, out, 0, GID_LENGTH);
        return out;
    }

    private void gid(int at, byte[] gid) {
        if (gid.length != GID_LENGTH) {
            throw new IllegalArgumentException("a GID is 16 bytes, got " + gid.length);
        }
        MemorySegment.copy(gid, 0, segment, ValueLayout.JAVA_BYTE, offset + at, GID_LENGTH);
    }
}
