package net.dta.protocol.catalog;

import java.util.Arrays;

import net.dta.protocol.layout.StoreDefinition;

/**
 * One store as a collector advertises it (protocol.md 7.4): definition, where its data area is in
 * the collector's address space, and one rkey per 2^31-byte segment.
 */
public record CatalogEntry(StoreDefinition definition, long va, long length, int[] rkeys) {
    public static final int BYTES = 128;
    public static final int MAX_SEGMENTS = 16;
    public static final int LOG2_SEGMENT_BYTES = 31;

    public CatalogEntry {
        if (length != definition.layout().dataLength()) {
            throw new IllegalArgumentException("length " + length + " does not match the layout (" + definition.layout().dataLength() + ")");
        }
        int needed = segmentsFor(length);
        if (rkeys.length != needed) {
            throw new IllegalArgumentException("a data area of " + length + " bytes needs " + needed + " rkeys, got " + rkeys.length);
        }
        rkeys = rkeys.clone();
    }

    public static int segmentsFor(long length) {
        long segments = Math.max(1, (length + (1L << LOG2_SEGMENT_BYTES) - 1) >>> LOG2_SEGMENT_BYTES);
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("a store of " + length + " bytes exceeds " + MAX_SEGMENTS + " segments of 2 GiB");
        }
        return (int) segments;
    }

    /** The rkey for data offset o. */
    public int rkeyFor(long dataOffset) {
        return rkeys[(int) (dataOffset >>> LOG2_SEGMENT_BYTES)];
    }

    @Override
    public int[] rkeys() {
        return rkeys.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogEntry e && e.definition.equals(definition) && e.va == va && e.length == length
                && Arrays.equals(e.rkeys, rkeys);
    }

    @Override
    public int hashCode() {
        return definition.hashCode() * 31 + Long.hashCode(va) * 17 + Arrays.hashCode(rkeys);
    }

    @Override
    public String toString() {
        return "CatalogEntry[" + definition + ", va=0x" + Long.toHexString(va) + ", length=" + length
                + ", rkeys=" + Arrays.toString(rkeys) + "]";
    }
}
