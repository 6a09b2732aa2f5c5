package net.dta.rdma.region;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.RegionCounters;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * One registered region: memory, the va and rkeys a requester uses, rights, counters. A region
 * of more than 2^31 bytes has one rkey per 2^31-byte segment (protocol.md 4.1): rkey {@code k}
 * covers region offsets {@code [k * 2^31, min(length, (k + 1) * 2^31))}.
 */
public final class MemoryRegion {
    public static final int LOG2_SEGMENT_BYTES = 31;
    public static final long SEGMENT_BYTES = 1L << LOG2_SEGMENT_BYTES;

    static final int RIGHT_REMOTE_WRITE = 1;
    static final int RIGHT_REMOTE_READ = 2;
    static final int RIGHT_REMOTE_ATOMIC = 4;

    private final MemorySegment memory;
    private final long va;
    private final int[] rkeys;
    private final int rights;
    private final RegisteredRegion handle;

    MemoryRegion(MemorySegment memory, long va, int[] rkeys, Set<Access> access) {
        this.memory = memory;
        this.va = va;
        this.rkeys = rkeys.clone();
        this.rights = rightsOf(access);
        Set<Access> copy = access.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(access);
        this.handle = new RegisteredRegion(memory, va, rkeys.clone(), Set.copyOf(copy), new RegionCounters());
    }

    /** Number of 2^31-byte segments (and rkeys) a region of {@code length} bytes needs; at least 1. */
    public static int segmentsFor(long length) {
        return (int) Math.max(1, (length + SEGMENT_BYTES - 1) >>> LOG2_SEGMENT_BYTES);
    }

    static int rightsOf(Set<Access> access) {
        int r = 0;
        if (access.contains(Access.REMOTE_WRITE)) {
            r |= RIGHT_REMOTE_WRITE;
        }
        if (access.contains(Access.REMOTE_READ)) {
            r |= RIGHT_REMOTE_READ;
        }
        if (access.contains(Access.REMOTE_ATOMIC)) {
            r |= RIGHT_REMOTE_ATOMIC;
        }
        return r;
    }

    public MemorySegment memory() {
        return memory;
    }

    public long va() {
        return va;
    }

    public long length() {
        return memory.byteSize();
    }

    int rkey(int segment) {
        return rkeys[segment];
    }

    int segmentCount() {
        return rkeys.length;
    }

    boolean grants(int right) {
        return (rights & right) == right;
    }

    /** What the collector holds: the record of the endpoint interface, with this region's counters. */
    public RegisteredRegion handle() {
        return handle;
    }

    public RegionCounters counters() {
        return handle.counters();
    }
}
