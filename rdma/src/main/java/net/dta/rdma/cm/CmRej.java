package net.dta.rdma.cm;

/**
 * Flyweight over a CM REJ (ConnectReject) message (protocol.md 7.2; IBTA Vol. 1 12.6.7).
 *
 * <pre>
 *  0      local communication id        4      remote communication id
 *  8      message rejected (2) reserved (6) | reject info length (7) reserved (1) | reason (16)
 *  12     additional reject information (72 bytes)
 *  84     private data (148 bytes)
 * </pre>
 */
public final class CmRej extends CmMessage<CmRej> {
    public static final int REMOTE_COMM_ID_OFFSET = 4;
    public static final int MESSAGE_REJECTED_OFFSET = 8;
    public static final int REJECT_INFO_LENGTH_OFFSET = 9;
    public static final int REASON_OFFSET = 10;
    public static final int ARI_OFFSET = 12;
    public static final int ARI_LENGTH = 72;
    public static final int PRIVATE_DATA_OFFSET = 84;

    /** Message rejected: the REQ. */
    public static final int REJECTED_REQ = 0;
    /** Message rejected: the REP. */
    public static final int REJECTED_REP = 1;
    public static final int REASON_INVALID_SERVICE_ID = 8;
    public static final int REASON_INVALID_TRANSPORT_TYPE = 9;
    public static final int REASON_CONSUMER_REJECT = 28;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public int remoteCommId() {
        return u32(REMOTE_COMM_ID_OFFSET);
    }

    public CmRej remoteCommId(int v) {
        u32(REMOTE_COMM_ID_OFFSET, v);
        return this;
    }

    public int messageRejected() {
        return bits(MESSAGE_REJECTED_OFFSET, 6, 2);
    }

    public CmRej messageRejected(int v) {
        bits(MESSAGE_REJECTED_OFFSET, 6, 2, v);
        return this;
    }

    public int rejectInfoLength() {
        return bits(REJECT_INFO_LENGTH_OFFSET, 1, 7);
    }

    public CmRej rejectInfoLength(int v) {
        bits(REJECT_INFO_LENGTH_OFFSET, 1, 7, v);
        return this;
    }

    public int reason() {
        return u16(REASON_OFFSET);
    }

    public CmRej reason(int v) {
        u16(REASON_OFFSET, v);
        return this;
    }
}
