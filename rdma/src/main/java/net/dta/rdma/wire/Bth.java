package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the InfiniBand Base Transport Header (12 bytes, protocol.md 5.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    OpCode     |S|M|Pad| TVer  |            P_Key              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|B|  Resv6    |              Destination QP (24)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|   Resv7     |                    PSN (24)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * S = solicited event, M = migration, Pad = pad count, F/B = FECN/BECN, A = AckReq.
 */
public final class Bth {
    public static final int OPCODE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int PKEY_OFFSET = 2;
    /** FECN, BECN and reserved bits: masked to ones in the ICRC. */
    public static final int FECN_BECN_OFFSET = 4;
    public static final int DEST_QP_OFFSET = 5;
    public static final int ACK_REQ_OFFSET = 8;
    public static final int PSN_OFFSET = 9;
    public static final int LENGTH = 12;

    public static final int DEFAULT_PKEY = 0xFFFF;
    public static final int PAD_COUNT_MASK = 0x30;
    public static final int TVER_MASK = 0x0F;
    public static final int ACK_REQ_BIT = 0x80;
    public static final int PSN_MASK = 0xFF_FFFF;
    public static final int QPN_MASK = 0xFF_FFFF;

    private MemorySegment segment;
    private long offset;

    public Bth wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int opcode() {
        return Bytes.u8(segment, offset + OPCODE_OFFSET);
    }

    public Bth opcode(int value) {
        Bytes.u8(segment, offset + OPCODE_OFFSET, value);
        return this;
    }

    /** The SE / M / pad count / TVer byte. */
    public int flags() {
        return Bytes.u8(segment, offset + FLAGS_OFFSET);
    }

    public Bth flags(int value) {
        Bytes.u8(segment, offset + FLAGS_OFFSET, value);
        return this;
    }

    public int padCount() {
        return (flags() & PAD_COUNT_MASK) >>> 4;
    }

    public int transportVersion() {
        return flags() & TVER_MASK;
    }

    public int pkey() {
        return Bytes.u16(segment, offset + PKEY_OFFSET);
    }

    public Bth pkey(int value) {
        Bytes.u16(segment, offset + PKEY_OFFSET, value);
        return this;
    }

    public int fecnBecn() {
        return Bytes.u8(segment, offset + FECN_BECN_OFFSET);
    }

    public Bth fecnBecn(int value) {
        Bytes.u8(segment, offset + FECN_BECN_OFFSET, value);
        return this;
    }

    public int destQp() {
        return Bytes.u24(segment, offset + DEST_QP_OFFSET);
    }

    public Bth destQp(int qpn) {
        Bytes.u24(segment, offset + DEST_QP_OFFSET, qpn);
        return this;
    }

    public boolean ackRequest() {
        return (Bytes.u8(segment, offset + ACK_REQ_OFFSET) & ACK_REQ_BIT) != 0;
    }

    /** Sets AckReq; the 7 reserved bits of the byte are written as zero. */
    public Bth ackRequest(boolean value) {
        Bytes.u8(segment, offset + ACK_REQ_OFFSET, value ? ACK_REQ_BIT : 0);
        return this;
    }

    public int psn() {
        return Bytes.u24(segment, offset + PSN_OFFSET);
    }

    public Bth psn(int value) {
        Bytes.u24(segment, offset + PSN_OFFSET, value);
        return this;
    }
}
