package net.dta.rdma.cm;

/**
 * Flyweight over a CM RTU (ReadyToUse) message: local and remote communication ids, then 224
 * bytes of private data (zero in DTA).
 */
public final class CmRtu extends CmMessage<CmRtu> {
    public static final int REMOTE_COMM_ID_OFFSET = 4;
    public static final int PRIVATE_DATA_OFFSET = 8;

    @Override
    public int privateDataOffset() {
        return PRIVATE_DATA_OFFSET;
    }

    public int remoteCommId() {
        return u32(REMOTE_COMM_ID_OFFSET);
    }

    public CmRtu remoteCommId(int v) {
        u32(REMOTE_COMM_ID_OFFSET, v);
        return this;
    }
}
