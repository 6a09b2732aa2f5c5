package net.dta.collector.state;

import java.util.Arrays;

/**
 * Where a registered region was in the collector's RDMA address space: what the translator was
 * told (catalog entry va and rkeys) and what a restart asks the backend to keep.
 *
 * @param rkeys one per 2^31-byte segment
 */
public record RegionDescriptor(long va, long length, int[] rkeys) {
    public RegionDescriptor {
        rkeys = rkeys.clone();
    }

    @Override
    public int[] rkeys() {
        return rkeys.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionDescriptor d && d.va == va && d.length == length && Arrays.equals(d.rkeys, rkeys);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(va) * 31 + Long.hashCode(length) * 17 + Arrays.hashCode(rkeys);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("va=0x").append(Long.toHexString(va)).append(" length=").append(length).append(" rkeys=");
        for (int i = 0; i < rkeys.length; i++) {
            b.append(i == 0 ? "" : ",").append("0x").append(Integer.toHexString(rkeys[i]));
        }
        return b.toString();
    }
}
