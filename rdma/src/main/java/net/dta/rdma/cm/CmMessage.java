package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.protocol.Bytes;

/**
 * Base of the CM message flyweights: a view of the 232 bytes after the MAD header, with
 * big-endian field helpers relative to the message start (the offsets of protocol.md 7.2).
 */
public abstract class CmMessage<T extends CmMessage<T>> {
    public static final int LENGTH = MadHeader.DATA_LENGTH;
    public static final int LOCAL_COMM_ID_OFFSET = 0;

    protected MemorySegment segment;
    protected long offset;

    @SuppressWarnings("unchecked")
    public T wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return (T) this;
    }

    @SuppressWarnings("unchecked")
    protected T self() {
        return (T) this;
    }

    /** Zeroes the whole message (reserved fields and unused private data must be zero). */
    public T clear() {
        segment.asSlice(offset, LENGTH).fill((byte) 0);
        return self();
    }

    public int localCommId() {
        return (int) Bytes.u32(segment, offset + LOCAL_COMM_ID_OFFSET);
    }

    public T localCommId(int id) {
        Bytes.u32(segment, offset + LOCAL_COMM_ID_OFFSET, id & 0xFFFF_FFFFL);
        return self();
    }

    /** Offset of the private data in the message. */
    public abstract int privateDataOffset();

    public int privateDataLength() {
        return LENGTH - privateDataOffset();
    }

    /** The private data bytes (control path: allocates). */
    public byte[] privateData() {
        byte[] out = new byte[privateDataLength()];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + privateDataOffset(), out, 0, out.length);
        return out;
    }

    /** Copies up to the private data length; the rest stays as it is (zero after {@link #clear}). */
    public T privateData(byte[] data) {
        if (data.length > privateDataLength()) {
            throw new IllegalArgumentException("private data of " + data.length + " bytes, at most "
                    + privateDataLength());
        }
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, offset + privateDataOffset(), data.length);
        return self();
    }

    /** Absolute offset of the private data in the segment (for codecs that write in place). */
    public long privateDataPosition() {
        return offset + privateDataOffset();
    }

    public MemorySegment segment() {
        return segment;
    }

    protected int u8(int at) {
        return Bytes.u8(segment, offset + at);
    }

    protected void u8(int at, int v) {
        Bytes.u8(segment, offset + at, v);
    }

    protected int u16(int at) {
        return Bytes.u16(segment, offset + at);
    }

    protected void u16(int at, int v) {
        Bytes.u16(segment, offset + at, v);
    }

    protected int u24(int at) {
        return Bytes.u24(segment, offset + at);
    }

    protected void u24(int at, int v) {
        Bytes.u24(segment, offset + at, v);
    }

    protected int u32(int at) {
        return (int) Bytes.u32(segment, offset + at);
    }

    protected void u32(int at, int v) {
        Bytes.u32(segment, offset + at, v & 0xFFFF_FFFFL);
    }

    protected long u64(int at) {
        return Bytes.u64(segment, offset + at);
    }

    protected void u64(int at, long v) {
        Bytes.u64(segment, offset + at, v);
    }

    /** Reads {@code width} bits of byte {@code at}, starting {@code shift} bits above bit 0. */
    protected int bits(int at, int shift, int width) {
        return (u8(at) >>> shift) & ((1 << width) - 1);
    }

    protected void bits(int at, int shift, int width, int value) {
        int mask = ((1 << width) - 1) << shift;
        u8(at, (u8(at) & ~mask) | ((value << shift) & mask));
    }
}
