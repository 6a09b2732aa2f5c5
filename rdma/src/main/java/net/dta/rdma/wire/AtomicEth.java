package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the Atomic Extended Transport Header (28 bytes) of FETCH_ADD and COMPARE_SWAP.
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
 * |                   Swap (or Add) Data (64)                     |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Compare Data (64)                        |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AtomicEth {
    public static final int VIRTUAL_ADDRESS_OFFSET = 0;
    public static final int RKEY_OFFSET = 8;
    public static final int SWAP_ADD_OFFSET = 12;
    public static final int COMPARE_OFFSET = 20;
    public static final int LENGTH = 28;

    private MemorySegment segment;
    private long offset;

    public AtomicEth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public long virtualAddress() {
        return Bytes.u64(segment, offset + VIRTUAL_ADDRESS_OFFSET);
    }

    public AtomicEth virtualAddress(long value) {
        Bytes.u64(segment, offset + VIRTUAL_ADDRESS_OFFSET, value);
        return this;
    }

    public int rkey() {
        return (int) Bytes.u32(segment, offset + RKEY_OFFSET);
    }

    public AtomicEth rkey(int value) {
        Bytes.u32(segment, offset + RKEY_OFFSET, value & 0xFFFF_FFFFL);
        return this;
    }

    /** The add data of a FETCH_ADD (swap data of a COMPARE_SWAP). */
    public long swapAdd() {
        return Bytes.u64(segment, offset + SWAP_ADD_OFFSET);
    }

    public AtomicEth swapAdd(long value) {
        Bytes.u64(segment, offset + SWAP_ADD_OFFSET, value);
        return this;
    }

    public long compare() {
        return Bytes.u64(segment, offset + COMPARE_OFFSET);
    }

    public AtomicEth compare(long value) {
        Bytes.u64(segment, offset + COMPARE_OFFSET, value);
        return this;
    }
}
