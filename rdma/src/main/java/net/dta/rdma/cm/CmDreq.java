package net.dta.rdma.cm;

/**
 * Flyweight over a CM DREQ (DisconnectRequest): local and remote communication ids, the remote
 * QPN (24 bits) at offset 8, then 220 bytes of private data.
 */
public final class CmDreq extends CmMessage<CmDreq> {
    public static final int REMOTE_COMM_ID_OFFSET = 4;
    public static final int REMOTE_QPN_OFFSET = 8;
    public static final int PRIVATE_DATA_OFFSET = 12;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public int remoteCommId() {
        return u32(REMOTE_COMM_ID_OFFSET);
    }

    public CmDreq remoteCommId(int v) {
        u32(REMOTE_COMM_ID_OFFSET, v);
        return this;
    }

    public int remoteQpn() {
        return u24(REMOTE_QPN_OFFSET);
    }

    public CmDreq remoteQpn(int v) {
        u24(REMOTE_QPN_OFFSET, v);
        return this;
    }
}
