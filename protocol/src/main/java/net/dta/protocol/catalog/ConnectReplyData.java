package net.dta.protocol.catalog;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.auth.CmMac;

/**
 * The DTA private data of a CM REP (protocol.md 7.2), version 2: where the collector's catalog is,
 * and a MAC over it, the collector's QPN and the REQ's MAC ({@link #seal}), which the controller
 * checks before it uses any of it.
 */
public record ConnectReplyData(int storeCount, long bootId, long catalogGeneration, long catalogVa, int catalogRkey,
                               int catalogLength) {
    public static final int MAGIC = 0x44544131;
    public static final int VERSION = 2;
    /** REP private data bytes (all of them; the unused rest is zero). */
    public static final int BYTES = 196;
    /** The bytes the MAC covers (magic through catalog length). */
    public static final int SIGNED_BYTES = 40;
    public static final int MAC_OFFSET = 40;
    /** Bytes in use: the signed fields and the MAC. */
    public static final int USED_BYTES = MAC_OFFSET + CmMac.BYTES;

    /** Writes the fields, the MAC left zero: the endpoint seals it once it knows the queue pair. */
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

    /**
     * The REP private data with its MAC: {@code data} (at least {@link #SIGNED_BYTES}) copied, at
     * least {@link #USED_BYTES} long, MAC over the REQ's MAC and the collector's queue pair.
     */
    public static byte[] seal(byte[] data, byte[] secret, byte[] requestMac, int collectorQpn) {
        byte[] out = java.util.Arrays.copyOf(data, Math.max(data.length, USED_BYTES));
        MemorySegment s = MemorySegment.ofArray(out);
        byte[] mac = CmMac.reply(secret, requestMac, collectorQpn, s, 0, SIGNED_BYTES);
        System.arraycopy(mac, 0, out, MAC_OFFSET, CmMac.BYTES);
        return out;
    }

    /** Whether a received REP's MAC is the one {@code secret} gives for our REQ's MAC and the REP's QPN. */
    public static boolean sealValid(MemorySegment src, long off, byte[] secret, byte[] requestMac, int collectorQpn) {
        return CmMac.matches(CmMac.reply(secret, requestMac, collectorQpn, src, off, SIGNED_BYTES), src, off + MAC_OFFSET);
    }

    /** The version field, or 0 without the DTA magic (not a DTA collector). */
    public static int version(MemorySegment src, long off) {
        return Bytes.u32(src, off) == (MAGIC & 0xFFFF_FFFFL) ? Bytes.u16(src, off + 4) : 0;
    }

    /** Null when the REP is not from a DTA collector of this version (no magic, other version); the MAC is not checked. */
    public static ConnectReplyData decode(MemorySegment src, long off) {
        if (version(src, off) != VERSION) {
            return null;
        }
        return new ConnectReplyData(Bytes.u16(src, off + 6), Bytes.u64(src, off + 8), Bytes.u64(src, off + 16),
                Bytes.u64(src, off + 24), (int) Bytes.u32(src, off + 32), (int) Bytes.u32(src, off + 36));
    }
}
