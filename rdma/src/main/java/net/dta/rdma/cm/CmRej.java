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
    /** Message rejected: other (an active side withdrawing its own REQ, as Linux's cm.c formats it in REQ_SENT). */
    public static final int REJECTED_OTHER = 2;
    /**
     * Timeout: the active side gives up on its REQ. The ARI then carries its CA GUID, by which (with
     * the REJ's local communication id) Linux's passive side finds and drops the half-open connection
     * (cm.c: cm_acquire_rejected_id).
     */
    public static final int REASON_TIMEOUT = 1;
    public static final int REASON_INVALID_SERVICE_ID = 8;
    public static final int REASON_INVALID_TRANSPORT_TYPE = 9;
    public static final int REASON_STALE_CONNECTION = 10;
    public static final int REASON_CONSUMER_REJECT = 28;

    /** Reject reasons 1..35 (IBTA Vol. 1 table "REJ reasons"; Linux include/rdma/ib_cm.h enum ib_cm_rej_reason). */
    private static final String[] REASON_NAMES = {null, "no QP available", "no EEC available", "no resources available",
            "timeout", "unsupported request", "invalid communication id", "invalid communication instance",
            "invalid service id", "invalid transport service type", "stale connection", "RDC does not exist",
            "primary remote port GID rejected", "primary remote port LID rejected", "invalid primary SL",
            "invalid primary traffic class", "invalid primary hop limit", "invalid primary packet rate",
            "alternate remote port GID rejected", "alternate remote port LID rejected", "invalid alternate SL",
            "invalid alternate traffic class", "invalid alternate hop limit", "invalid alternate packet rate",
            "port and CM redirection", "port redirection", "invalid path MTU", "insufficient responder resources",
            "consumer reject", "RNR retry count reject", "duplicate local communication id",
            "unsupported class version", "invalid primary flow label", "invalid alternate flow label", null,
            "vendor option not supported"};

    /** "stale connection (10)": the reason's name and number, for logs and errors. */
    public static String reasonName(int reason) {
        String name = reason > 0 && reason < REASON_NAMES.length ? REASON_NAMES[reason] : null;
        return (name == null ? "unknown reason" : name) + " (" + reason + ")";
    }

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

    /** The first 8 ARI bytes as a CA GUID (a timeout REJ's, IBTA Vol. 1 12.6.7.2). */
    public long ariCaGuid() {
        return u64(ARI_OFFSET);
    }

    /** Writes a CA GUID as the ARI and its length (8). */
    public CmRej ariCaGuid(long caGuid) {
        u64(ARI_OFFSET, caGuid);
        return rejectInfoLength(Long.BYTES);
    }

    public int reason() {
        return u16(REASON_OFFSET);
    }

    public CmRej reason(int v) {
        u16(REASON_OFFSET, v);
        return this;
    }
}
