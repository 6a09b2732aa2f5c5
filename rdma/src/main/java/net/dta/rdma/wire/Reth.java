package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the RDMA Extended Transport Header (16 bytes), carried by RDMA WRITE First/Only
 * and RDMA READ Request.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Virtual Address (64)                      |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          R_Key (32)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        DMA Length (32)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Reth {
    public static final int VIRTUAL_ADDRESS_OFFSET = 0;
    public static final int RKEY_OFFSET = 8;
    public static final int DMA_LENGTH_OFFSET = 12;
    public static final int LENGTH = 16;

    private MemorySegment segment;
    private long offset;

    public Reth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public long virtualAddress() {
        return Bytes.u64(segment, offset + VIRTUAL_ADDRESS_OFFSET);
    }

    public Reth virtualAddress(long value) {
        Bytes.u64(segment, offset + VIRTUAL_ADDRESS_OFFSET, value);
        return this;
    }

    public int rkey() {
        return (int) Bytes.u32(segment, offset + RKEY_OFFSET);
    }

    public Reth rkey(int value) {
        Bytes.u32(segment, offset + RKEY_OFFSET, value & 0xFFFF_FFFFL);
        return this;
    }

    /** DMA length as an unsigned 32-bit value. */
    public long dmaLength() {
        return Bytes.u32(segment, offset + DMA_LENGTH_OFFSET);
    }

    public Reth dmaLength(long value) {
        Bytes.u32(segment, offset + DMA_LENGTH_OFFSET, value);
        return this;
    }
}
