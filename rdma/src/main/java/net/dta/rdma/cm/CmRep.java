package net.dta.rdma.cm;

/**
 * Flyweight over a CM REP (ConnectReply) message (protocol.md 7.2; IBTA Vol. 1 12.6.8).
 *
 * <pre>
 *  0      local communication id        4      remote communication id
 *  8      local Q_Key                   12     local QPN (24) | reserved
 *  16     local EE context (24) | res.  20     starting PSN (24) | reserved
 *  24     responder resources | initiator depth | target ACK delay (5) failover (2) e2e fc (1) | RNR retry (3) SRQ (1) res. (4)
 *  28     local CA GUID (64)
 *  36     private data (196 bytes)
 * </pre>
 */
public final class CmRep extends CmMessage<CmRep> {
    public static final int REMOTE_COMM_ID_OFFSET = 4;
    public static final int LOCAL_QKEY_OFFSET = 8;
    public static final int LOCAL_QPN_OFFSET = 12;
    public static final int LOCAL_EE_CONTEXT_OFFSET = 16;
    public static final int STARTING_PSN_OFFSET = 20;
    public static final int RESPONDER_RESOURCES_OFFSET = 24;
    public static final int INITIATOR_DEPTH_OFFSET = 25;
    public static final int ACK_DELAY_FAILOVER_OFFSET = 26;
    public static final int RNR_SRQ_OFFSET = 27;
    public static final int LOCAL_CA_GUID_OFFSET = 28;
    public static final int PRIVATE_DATA_OFFSET = 36;
    public static final int PRIVATE_DATA_LENGTH = 196;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public int remoteCommId() {
        return u32(REMOTE_COMM_ID_OFFSET);
    }

    public CmRep remoteCommId(int v) {
        u32(REMOTE_COMM_ID_OFFSET, v);
        return this;
    }

    public int localQkey() {
        return u32(LOCAL_QKEY_OFFSET);
    }

    public CmRep localQkey(int v) {
        u32(LOCAL_QKEY_OFFSET, v);
        return this;
    }

    public int localQpn() {
        return u24(LOCAL_QPN_OFFSET);
    }

    public CmRep localQpn(int v) {
        u24(LOCAL_QPN_OFFSET, v);
        return this;
    }

    public int localEeContext() {
        return u24(LOCAL_EE_CONTEXT_OFFSET);
    }

    public CmRep localEeContext(int v) {
        u24(LOCAL_EE_CONTEXT_OFFSET, v);
        return this;
    }

    public int startingPsn() {
        return u24(STARTING_PSN_OFFSET);
    }

    public CmRep startingPsn(int v) {
        u24(STARTING_PSN_OFFSET, v);
        return this;
    }

    public int responderResources() {
        return u8(RESPONDER_RESOURCES_OFFSET);
    }

    public CmRep responderResources(int v) {
        u8(RESPONDER_RESOURCES_OFFSET, v);
        return this;
    }

    public int initiatorDepth() {
        return u8(INITIATOR_DEPTH_OFFSET);
    }

    public CmRep initiatorDepth(int v) {
        u8(INITIATOR_DEPTH_OFFSET, v);
        return this;
    }

    public int targetAckDelay() {
        return bits(ACK_DELAY_FAILOVER_OFFSET, 3, 5);
    }

    public CmRep targetAckDelay(int v) {
        bits(ACK_DELAY_FAILOVER_OFFSET, 3, 5, v);
        return this;
    }

    public int failoverAccepted() {
        return bits(ACK_DELAY_FAILOVER_OFFSET, 1, 2);
    }

    public CmRep failoverAccepted(int v) {
        bits(ACK_DELAY_FAILOVER_OFFSET, 1, 2, v);
        return this;
    }

    public boolean endToEndFlowControl() {
        return bits(ACK_DELAY_FAILOVER_OFFSET, 0, 1) != 0;
    }

    public CmRep endToEndFlowControl(boolean v) {
        bits(ACK_DELAY_FAILOVER_OFFSET, 0, 1, v ? 1 : 0);
        return this;
    }

    public int rnrRetryCount() {
        return bits(RNR_SRQ_OFFSET, 5, 3);
    }

    public CmRep rnrRetryCount(int v) {
        bits(RNR_SRQ_OFFSET, 5, 3, v);
        return this;
    }

    public boolean srq() {
        return bits(RNR_SRQ_OFFSET, 4, 1) != 0;
    }

    public CmRep srq(boolean v) {
        bits(RNR_SRQ_OFFSET, 4, 1, v ? 1 : 0);
        return this;
    }

    public long localCaGuid() {
        return u64(LOCAL_CA_GUID_OFFSET);
    }

    public CmRep localCaGuid(long v) {
        u64(LOCAL_CA_GUID_OFFSET, v);
        return this;
    }
}
