package net.dta.protocol.catalog;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/** The DTA part of a CM REQ's private data, after the 36-byte IP CM header (protocol.md 7.2). */
public record ConnectRequestData(int translatorId) {
    public static final int MAGIC = 0x44544131;
    public static final int VERSION = 1;
    /** Bytes available after the IP CM header in the 92-byte REQ private data. */
    public static final int BYTES = 56;

    public void encode(MemorySegment dst, long off) {
        dst.asSlice(off, BYTES).fill((byte) 0);
        Bytes.u32(dst, off, MAGIC);
        Bytes.u16(dst, off + 4, VERSION);
        Bytes.u16(dst, off + 6, translatorId);
    }

    /** Null when the bytes do not start with the DTA magic (a plain RDMA client). */
    public static ConnectRequestData decode(MemorySegment src, long off) {
        if (Bytes.u32(src, off) != (MAGIC & 0xFFFF_FFFFL) || Bytes.u16(src, off + 4) != VERSION) {
            return null;
        }
        return new ConnectRequestData(Bytes.u16(src, off + 6));
    }
}
