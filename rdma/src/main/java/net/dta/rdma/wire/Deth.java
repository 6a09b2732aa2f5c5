package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the Datagram Extended Transport Header (8 bytes) of UD packets (CM MADs to QP 1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Q_Key (32)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Reserved    |                 Source QP (24)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Deth {
    public static final int QKEY_OFFSET = 0;
    public static final int SOURCE_QP_OFFSET = 5;
    public static final int LENGTH = 8;
    /** The well-known Q_Key of QP 1 (the GSI, where CM MADs go). */
    public static final int GSI_QKEY = 0x80010000;

    private MemorySegment segment;
    private long offset;

    public Deth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int qkey() {
        return (int) Bytes.u32(segment, offset + QKEY_OFFSET);
    }

    public Deth qkey(int value) {
        Bytes.u32(segment, offset + QKEY_OFFSET, value & 0xFFFF_FFFFL);
        return this;
    }

    public int sourceQp() {
        return Bytes.u24(segment, offset + SOURCE_QP_OFFSET);
    }

    /** Sets the source QP; the reserved byte is written as zero. */
    public Deth sourceQp(int qpn) {
        Bytes.u8(segment, offset + SOURCE_QP_OFFSET - 1, 0);
        Bytes.u24(segment, offset + SOURCE_QP_OFFSET, qpn);
        return this;
    }
}
