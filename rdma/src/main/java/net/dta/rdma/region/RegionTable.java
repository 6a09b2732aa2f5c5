package net.dta.rdma.region;

import java.util.List;

/**
 * An immutable snapshot of the registered regions, looked up by rkey with an open-addressing
 * table (no boxing, no allocation). The registry publishes a new snapshot on every change; the
 * responder thread reads the current one per batch.
 */
public final class RegionTable {
    static final RegionTable EMPTY = new RegionTable(0, List.of());

    private final long version;
    private final List<MemoryRegion> regions;
    private final int mask;
    private final int[] keys;
    private final MemoryRegion[] owners;
    private final int[] segments;
    private final boolean[] used;

    RegionTable(long version, List<MemoryRegion> regions) {
        this.version = version;
        this.regions = List.copyOf(regions);
        int count = 0;
        for (MemoryRegion r : regions) {
            count += r.segmentCount();
        }
        int capacity = Integer.highestOneBit(Math.max(4, count * 4 - 1)) << 1;
        this.mask = capacity - 1;
        this.keys = new int[capacity];
        this.owners = new MemoryRegion[capacity];
        this.segments = new int[capacity];
        this.used = new boolean[capacity];
        for (MemoryRegion r : regions) {
            for (int s = 0; s < r.segmentCount(); s++) {
                int slot = slotOf(r.rkey(s));
                while (used[slot]) {
                    slot = (slot + 1) & mask;
                }
                used[slot] = true;
                keys[slot] = r.rkey(s);
                owners[slot] = r;
                segments[slot] = s;
            }
        }
    }

    public long version() {
        return version;
    }

    public List<MemoryRegion> regions() {
        return regions;
    }

    /** Whether any region uses the rkey. */
    public boolean containsRkey(int rkey) {
        return find(rkey) >= 0;
    }

    /**
     * Checks a remote access of {@code length} bytes at {@code va} under {@code rkey} needing
     * {@code right} (one of the {@code RIGHT_*} of {@link MemoryRegion}); on success fills
     * {@code out}. Returns an {@link AccessResult} code. Nothing is counted here.
     */
    public int check(int rkey, long va, long length, int right, RegionAccess out) {
        return check(rkey, va, length, right, 0, out);
    }

    /** Write access (remote write right). */
    public int checkWrite(int rkey, long va, long length, RegionAccess out) {
        return check(rkey, va, length, MemoryRegion.RIGHT_REMOTE_WRITE, 0, out);
    }

    /** Read access (remote read right). */
    public int checkRead(int rkey, long va, long length, RegionAccess out) {
        return check(rkey, va, length, MemoryRegion.RIGHT_REMOTE_READ, 0, out);
    }

    /** An 8-byte atomic, in protocol.md 5.5's order: rkey, atomic right, 8-byte alignment, bounds. */
    public int checkAtomic(int rkey, long va, RegionAccess out) {
        return check(rkey, va, Long.BYTES, MemoryRegion.RIGHT_REMOTE_ATOMIC, Long.BYTES - 1, out);
    }

    private int check(int rkey, long va, long length, int right, long alignMask, RegionAccess out) {
        int slot = find(rkey);
        if (slot < 0) {
            return AccessResult.UNKNOWN_RKEY;
        }
        MemoryRegion r = owners[slot];
        out.region = r;
        if (!r.grants(right)) {
            return AccessResult.ACCESS_DENIED;
        }
        long segmentStart = (long) segments[slot] << MemoryRegion.LOG2_SEGMENT_BYTES;
        long segmentLength = Math.min(r.length() - segmentStart, MemoryRegion.SEGMENT_BYTES);
        long within = va - (r.va() + segmentStart);
        // Region va is 8-byte aligned (the registry enforces it), so va alignment is memory alignment.
        if ((va & alignMask) != 0) {
            return AccessResult.MISALIGNED;
        }
        // Unsigned comparisons: a va below the segment wraps to a huge offset and fails.
        if (Long.compareUnsigned(within, segmentLength) > 0 || Long.compareUnsigned(length, segmentLength - within) > 0) {
            return AccessResult.OUT_OF_BOUNDS;
        }
        out.offset = segmentStart + within;
        return AccessResult.OK;
    }

    private int find(int rkey) {
        int slot = slotOf(rkey);
        while (used[slot]) {
            if (keys[slot] == rkey) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private int slotOf(int rkey) {
        int h = rkey * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
