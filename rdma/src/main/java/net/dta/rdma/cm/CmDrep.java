package net.dta.rdma.cm;

/** Flyweight over a CM DREP (DisconnectReply): local and remote communication ids, 224 bytes of private data. */
public final class CmDrep extends CmMessage<CmDrep> {
    public static final int REMOTE_COMM_ID_OFFSET = 4;
    public static final int PRIVATE_DATA_OFFSET = 8;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public int remoteCommId() {
        return u32(REMOTE_COMM_ID_OFFSET);
    }

    public CmDrep remoteCommId(int v) {
        u32(REMOTE_COMM_ID_OFFSET, v);
        return this;
    }
}
