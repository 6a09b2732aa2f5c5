package net.dta.protocol.catalog;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/** The DTA private data of a CM REP (protocol.md 7.2): where the collector's catalog is. */
public record ConnectReplyData(int storeCount, long bootId, long catalogGeneration, long catalogVa, int catalogRkey,
                               int catalogLength) {
    public static final int MAGIC = 0x44544131;
    public static final int VERSION = 1;
    /** REP private data bytes (all of them; the unused rest is zero). */
    public static final int BYTES = 196;
    public static final int USED_BYTES = 40;

    public void encode(MemorySegment dst, long off) {
        dst.asSlice(off, BYTES).fill((byte) 0);
        Bytes.u32(dst, off, MAGIC);
        Bytes.u16(dst, off + 4, VERSION);
        Bytes.u16(dst, off + 6, storeCount);
        Bytes.u64(dst, off + 8, bootId);
        Bytes.u64(dst, off + 16, catalogGeneration);
        Bytes.u64(dst, off + 24, catalogVa);
        Bytes.u32(dst, off + 32, catalogRkey & 0xFFFF_FFFFL);
        Bytes.u32(dst, off + 36, catalogLength & 0xFFFF_FFFFL);
    }

    /** Null when the REP is not from a DTA collector (no magic, other version). */
    public static ConnectReplyData decode(MemorySegment src, long off) {
        if (Bytes.u32(src, off) != (MAGIC & 0xFFFF_FFFFL) || Bytes.u16(src, off + 4) != VERSION) {
            return null;
        }
        return new ConnectReplyData(Bytes.u16(src, off + 6), Bytes.u64(src, off + 8), Bytes.u64(src, off + 16),
                Bytes.u64(src, off + 24), (int) Bytes.u32(src, off + 32), (int) Bytes.u32(src, off + 36));
    }
}
