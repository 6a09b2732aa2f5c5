package net.dta.protocol.store;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.PostcardLayout;

/**
 * Postcard store (protocol.md 4.5, 6.3): a flow's row, how the translator encodes it, and the
 * per-hop validity a path query reports.
 */
public final class PostcardStore {
    private final MemorySegment data;
    private final PostcardLayout layout;

    public PostcardStore(MemorySegment data, PostcardLayout layout) {
        if (data.byteSize() < layout.dataLength()) {
            throw new IllegalArgumentException("data area of " + data.byteSize() + " bytes, layout needs " + layout.dataLength());
        }
        this.data = data;
        this.layout = layout;
    }

    public PostcardLayout layout() {
        return layout;
    }

    public static long rowOffset(DtaHash hash, PostcardLayout layout, byte[] flowKey) {
        return layout.rowOffset(hash.index(flowKey, 0, layout.log2Rows()));
    }

    /**
     * Encodes a flow's row: the cells of the hops present (bit h of presentHops) with their checks,
     * zero for the others. Writes layout.rowBytes() bytes at dst[dstOffset].
     */
    public static void encodeRow(DtaHash hash, PostcardLayout layout, byte[] flowKey, int presentHops, int[] values,
                                 MemorySegment dst, long dstOffset) {
        dst.asSlice(dstOffset, layout.rowBytes()).fill((byte) 0);
        for (int h = 0; h < layout.hops(); h++) {
            if ((presentHops & (1 << h)) != 0) {
                long cell = dstOffset + (long) PostcardLayout.CELL_BYTES * h;
                Bytes.u32(dst, cell, values[h] & 0xFFFF_FFFFL);
                Bytes.u32(dst, cell + 4, hash.postcardCheck(flowKey, h, values[h]) & 0xFFFF_FFFFL);
            }
        }
    }

    /** One hop of a path answer. */
    public record Hop(int hop, long value, boolean valid) {
    }

    /** Every hop 0..hops-1 of the flow's row, each with its own validity. */
    public List<Hop> path(byte[] flowKey) {
        DtaHash hash = Hashes.get();
        long row = rowOffset(hash, layout, flowKey);
        List<Hop> hops = new ArrayList<>(layout.hops());
        for (int h = 0; h < layout.hops(); h++) {
            long word = (long) Bytes.ALIGNED_U64_BE.varHandle().getAcquire(data, row + (long) PostcardLayout.CELL_BYTES * h);
            int value = (int) (word >>> 32);
            int check = (int) word;
            boolean valid = check != 0 && check == hash.postcardCheck(flowKey, h, value);
            hops.add(new Hop(h, value & 0xFFFF_FFFFL, valid));
        }
        return hops;
    }

    /** Rows with at least one non-zero cell, for fill statistics. */
    public long occupiedRows() {
        long n = 0;
        for (long off = 0; off < layout.dataLength(); off += layout.rowBytes()) {
            for (int c = 0; c < layout.hops(); c++) {
                if (data.get(Bytes.U64, off + 8L * c) != 0) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
