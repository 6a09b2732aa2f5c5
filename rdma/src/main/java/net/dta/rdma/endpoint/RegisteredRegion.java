package net.dta.rdma.endpoint;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * A registered region: the memory, the address and keys a remote requester uses, and counters of
 * what the network did to it.
 *
 * @param rkeys one per 2^31-byte segment (protocol.md 4.1)
 */
public record RegisteredRegion(MemorySegment memory, long va, int[] rkeys, Set<Access> access, RegionCounters counters) {
    public long length() {
        return memory.byteSize();
    }
}
