package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the Atomic Acknowledge Extended Transport Header (8 bytes): the value the target
 * word held before the atomic operation.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Original Remote Data (64)                    |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AtomicAckEth {
    public static final int ORIGINAL_DATA_OFFSET = 0;
    public static final int LENGTH = 8;

    private MemorySegment segment;
    private long offset;

    public AtomicAckEth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public long originalData() {
        return Bytes.u64(segment, offset + ORIGINAL_DATA_OFFSET);
    }

    public AtomicAckEth originalData(long value) {
        Bytes.u64(segment, offset + ORIGINAL_DATA_OFFSET, value);
        return this;
    }
}
