package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the ACK Extended Transport Header (4 bytes) of ACK, NAK, ATOMIC ACK and READ
 * responses.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Syndrome    |                  MSN (24)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * See {@link AethSyndrome} for the syndrome's meaning.
 */
public final class Aeth {
    public static final int SYNDROME_OFFSET = 0;
    public static final int MSN_OFFSET = 1;
    public static final int LENGTH = 4;
    public static final int MSN_MASK = 0xFF_FFFF;

    private MemorySegment segment;
    private long offset;

    public Aeth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int syndrome() {
        return Bytes.u8(segment, offset + SYNDROME_OFFSET);
    }

    public Aeth syndrome(int value) {
        Bytes.u8(segment, offset + SYNDROME_OFFSET, value);
        return this;
    }

    public int msn() {
        return Bytes.u24(segment, offset + MSN_OFFSET);
    }

    public Aeth msn(int value) {
        Bytes.u24(segment, offset + MSN_OFFSET, value);
        return this;
    }
}
