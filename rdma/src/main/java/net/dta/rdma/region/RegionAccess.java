package net.dta.rdma.region;

import java.lang.foreign.MemorySegment;

import net.dta.rdma.endpoint.RegionCounters;

/**
 * The result of a successful {@link RegionTable#check}: which region and where in its memory.
 * One mutable instance per responder thread, so the check allocates nothing.
 */
public final class RegionAccess {
    MemoryRegion region;
    long offset;

    public MemoryRegion region() {
        return region;
    }

    public MemorySegment memory() {
        return region.memory();
    }

    /** Byte offset of the accessed range in {@link #memory()}. */
    public long offset() {
        return offset;
    }

    public RegionCounters counters() {
        return region.counters();
    }
}
