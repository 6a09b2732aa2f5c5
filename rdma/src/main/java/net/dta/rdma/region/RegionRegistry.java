package net.dta.rdma.region;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * Registers and deregisters regions (from any thread) and publishes an immutable
 * {@link RegionTable} that the responder thread reads without locks.
 *
 * <p>Identity: a software endpoint chooses va and rkeys itself, so it can honour a
 * {@link RegionRequest} from a previous run (stable descriptors across restarts). Fresh vas are
 * random, 2^31-aligned in {@code [VA_LOW, VA_HIGH)}, so a region's segments line up with 2^31
 * boundaries as a NIC's would; fresh rkeys are random 32-bit values. Both come from a CSPRNG:
 * sequential ones let an off-path sender guess them (issue 13 item 6). rkey 0 is never used (a
 * liveness probe carries rkey 0).
 *
 * <p>Deregistration waits until every responder thread has stopped using the old table (see
 * {@link ReaderGate}), so that the caller may unmap the memory right after.
 */
public final class RegionRegistry {
    public static final long VA_LOW = 1L << 44;
    public static final long VA_HIGH = 1L << 47;
    private static final long QUIESCE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<MemoryRegion> regions = new ArrayList<>();
    private final ReaderGate gate;
    private volatile RegionTable table = RegionTable.EMPTY;
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private long version;

    /** A registry read by one responder thread. */
    public RegionRegistry() {
        this(1);
    }

    /** A registry read by {@code readers} responder threads (reader indices 0..readers-1). */
    public RegionRegistry(int readers) {
        this.gate = new ReaderGate(readers);
    }

    /** The current snapshot (lock-free read). */
    public RegionTable table() {
        return table;
    }

    /** {@link #enterTable(int)} for reader 0. */
    public RegionTable enterTable() {
        return enterTable(0);
    }

    /**
     * For responder thread {@code reader}: the current table, marking the thread as using it until
     * {@link #exitTable(int)}. A deregistration waits for that exit.
     */
    public RegionTable enterTable(int reader) {
        gate.enterUnknown(reader);
        RegionTable t = table;
        gate.using(reader, t.version());
        return t;
    }

    /** {@link #exitTable(int)} for reader 0. */
    public void exitTable() {
        exitTable(0);
    }

    /** Responder thread {@code reader} is done with the table it entered. */
    public void exitTable(int reader) {
        gate.exit(reader);
    }

    public synchronized RegisteredRegion register(MemorySegment memory, Set<Access> access, RegionRequest request)
            throws RdmaException {
        if (access.contains(Access.REMOTE_ATOMIC) && !Atomics.supportsAtomics(memory)) {
            throw new RdmaException("a region with REMOTE_ATOMIC must be 8-byte aligned native memory (a mapped file or"
                    + " Arena allocation); got " + memory);
        }
        long length = memory.byteSize();
        int segmentCount = MemoryRegion.segmentsFor(length);
        long va = request.va() != 0 ? request.va() : randomVa(length);
        if ((va & 7) != 0) {
            throw new RdmaException("requested va 0x" + Long.toHexString(va) + " is not 8-byte aligned");
        }
        if (va + length < va) {
            throw new RdmaException("region at va 0x" + Long.toHexString(va) + " of " + length + " bytes wraps around");
        }
        for (MemoryRegion r : regions) {
            if (va < r.va() + r.length() && r.va() < va + Math.max(1, length)) {
                throw new RdmaException("requested va range 0x" + Long.toHexString(va) + "+" + length
                        + " overlaps the region at 0x" + Long.toHexString(r.va()));
            }
        }
        int[] rkeys = request.rkeys() != null ? request.rkeys().clone() : allocateRkeys(segmentCount);
        if (rkeys.length != segmentCount) {
            throw new RdmaException("a region of " + length + " bytes needs " + segmentCount
                    + " rkeys (one per 2^31-byte segment), the request has " + rkeys.length);
        }
        Set<Integer> seen = new HashSet<>();
        for (int k : rkeys) {
            if (k == 0 || !seen.add(k) || table.containsRkey(k)) {
                throw new RdmaException("rkey 0x" + Integer.toHexString(k) + " is reserved or already in use");
            }
        }
        MemoryRegion region = new MemoryRegion(memory, va, rkeys, access);
        regions.add(region);
        publish();
        return region.handle();
    }

    /** Removes a region; returns once the responder thread no longer uses it. Unknown regions are ignored. */
    public void deregister(RegisteredRegion handle) {
        long published;
        synchronized (this) {
            if (!regions.removeIf(r -> r.handle() == handle)) {
                return;
            }
            published = publish();
        }
        gate.awaitReadersPast(published, QUIESCE_TIMEOUT_NANOS);
    }

    /** The region behind a handle, or null. */
    public synchronized MemoryRegion regionOf(RegisteredRegion handle) {
        for (MemoryRegion r : regions) {
            if (r.handle() == handle) {
                return r;
            }
        }
        return null;
    }

    public synchronized List<RegisteredRegion> registered() {
        return regions.stream().map(MemoryRegion::handle).toList();
    }

    private int[] allocateRkeys(int count) {
        int[] keys = new int[count];
        for (int i = 0; i < count; i++) {
            int k;
            do {
                k = random.nextInt();
            } while (k == 0 || table.containsRkey(k) || contains(keys, i, k));
            keys[i] = k;
        }
        return keys;
    }

    /** A random 2^31-aligned va whose range fits below VA_HIGH and overlaps no region. */
    private long randomVa(long length) throws RdmaException {
        long span = Math.max(1, length);
        long slots = (VA_HIGH - VA_LOW) / MemoryRegion.SEGMENT_BYTES;
        for (int tries = 0; tries < 10_000; tries++) {
            long va = VA_LOW + random.nextLong(slots) * MemoryRegion.SEGMENT_BYTES;
            if (va + span <= VA_HIGH && regions.stream().noneMatch(r -> va < r.va() + r.length() && r.va() < va + span)) {
                return va;
            }
        }
        throw new RdmaException("no free virtual address range of " + length + " bytes");
    }

    private static boolean contains(int[] keys, int n, int key) {
        for (int i = 0; i < n; i++) {
            if (keys[i] == key) {
                return true;
            }
        }
        return false;
    }

    private long publish() {
        version++;
        table = new RegionTable(version, regions);
        return version;
    }
}
