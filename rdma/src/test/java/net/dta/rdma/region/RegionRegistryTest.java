package net.dta.rdma.region;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;

class RegionRegistryTest {
    private static final Set<Access> ALL = EnumSet.of(Access.LOCAL_WRITE, Access.REMOTE_WRITE, Access.REMOTE_READ,
            Access.REMOTE_ATOMIC);
    private final Arena arena = Arena.ofShared();
    private final RegionRegistry registry = new RegionRegistry();
    private final RegionAccess access = new RegionAccess();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void shouldCheckBoundsInclusiveOfTheLastByte() throws RdmaException {
        RegisteredRegion r = registry.register(arena.allocate(4096, 4096), ALL, RegionRequest.ANY);
        int rkey = r.rkeys()[0];
        RegionTable t = registry.table();
        assertEquals(AccessResult.OK, t.checkWrite(rkey, r.va(), 4096, access));
        assertEquals(0, access.offset());
        assertEquals(AccessResult.OK, t.checkWrite(rkey, r.va() + 4088, 8, access));
        assertEquals(4088, access.offset());
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(rkey, r.va() + 4089, 8, access));
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(rkey, r.va() - 1, 1, access));
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(rkey, r.va(), 4097, access));
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(rkey, -1L, 2, access));
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkRead(rkey, r.va() + 8, 0xFFFF_FFFFL, access));
        assertEquals(AccessResult.UNKNOWN_RKEY, t.checkWrite(rkey + 1, r.va(), 8, access));
    }

    @Test
    void shouldEnforceAccessRights() throws RdmaException {
        RegisteredRegion ro = registry.register(arena.allocate(64, 8), EnumSet.of(Access.REMOTE_READ), RegionRequest.ANY);
        RegionTable t = registry.table();
        assertEquals(AccessResult.OK, t.checkRead(ro.rkeys()[0], ro.va(), 64, access));
        assertEquals(AccessResult.ACCESS_DENIED, t.checkWrite(ro.rkeys()[0], ro.va(), 8, access));
        assertEquals(AccessResult.ACCESS_DENIED, t.checkAtomic(ro.rkeys()[0], ro.va(), access));
    }

    @Test
    void shouldRefuseMisalignedAtomicsBeforeBounds() throws RdmaException {
        RegisteredRegion r = registry.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
        RegionTable t = registry.table();
        assertEquals(AccessResult.OK, t.checkAtomic(r.rkeys()[0], r.va() + 56, access));
        assertEquals(AccessResult.MISALIGNED, t.checkAtomic(r.rkeys()[0], r.va() + 4, access));
        assertEquals(AccessResult.MISALIGNED, t.checkAtomic(r.rkeys()[0], r.va() + 61, access));
        assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkAtomic(r.rkeys()[0], r.va() + 64, access));
    }

    @Test
    void shouldHonourARequestedIdentityAcrossRestarts() throws RdmaException {
        RegisteredRegion first = registry.register(arena.allocate(8192, 4096), ALL, RegionRequest.ANY);
        RegionRegistry restarted = new RegionRegistry();
        RegisteredRegion again = restarted.register(arena.allocate(8192, 4096), ALL,
                new RegionRequest(first.va(), first.rkeys()));
        assertEquals(first.va(), again.va());
        assertArrayEquals(first.rkeys(), again.rkeys());
        RegisteredRegion other = restarted.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
        assertFalse(other.rkeys()[0] == first.rkeys()[0]);
        assertTrue(other.va() >= first.va() + 8192 || other.va() + 64 <= first.va(), "no overlap");
    }

    @Test
    void shouldPickUnpredictableRkeysAndAddresses() throws RdmaException {
        java.util.Set<Long> vas = new java.util.HashSet<>();
        java.util.Set<Integer> rkeys = new java.util.HashSet<>();
        for (int i = 0; i < 32; i++) {
            RegisteredRegion r = registry.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
            assertEquals(0, r.va() % (1L << 31), "2^31-aligned");
            assertTrue(r.va() >= RegionRegistry.VA_LOW && r.va() < RegionRegistry.VA_HIGH);
            vas.add(r.va());
            rkeys.add(r.rkeys()[0]);
        }
        assertEquals(32, vas.size());
        assertEquals(32, rkeys.size());
        // Not sequential: 31 differences all equal to one stride would be the old allocation.
        java.util.List<Integer> sorted = rkeys.stream().sorted().toList();
        assertTrue(sorted.getLast() - (long) sorted.getFirst() > 1 << 20, "rkeys spread over the 32-bit space");
    }

    @Test
    void shouldRefuseConflictingIdentities() throws RdmaException {
        RegisteredRegion a = registry.register(arena.allocate(4096, 8), ALL, RegionRequest.ANY);
        RdmaException overlap = assertThrows(RdmaException.class,
                () -> registry.register(arena.allocate(64, 8), ALL, new RegionRequest(a.va() + 8, null)));
        assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());
        RdmaException key = assertThrows(RdmaException.class,
                () -> registry.register(arena.allocate(64, 8), ALL, new RegionRequest(0, a.rkeys())));
        assertTrue(key.getMessage().contains("in use"), key.getMessage());
        assertThrows(RdmaException.class,
                () -> registry.register(arena.allocate(64, 8), ALL, new RegionRequest(0, new int[] {0})));
        assertThrows(RdmaException.class,
                () -> registry.register(arena.allocate(64, 8), ALL, new RegionRequest(0, new int[] {7, 8})));
    }

    @Test
    void shouldRefuseAtomicsOnByteArrays() {
        RdmaException e = assertThrows(RdmaException.class,
                () -> registry.register(MemorySegment.ofArray(new byte[64]), ALL, RegionRequest.ANY));
        assertTrue(e.getMessage().contains("8-byte aligned native memory"));
    }

    @Test
    void shouldForgetDeregisteredRegions() throws RdmaException {
        RegisteredRegion r = registry.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
        registry.deregister(r);
        assertEquals(AccessResult.UNKNOWN_RKEY, registry.table().checkWrite(r.rkeys()[0], r.va(), 8, access));
        registry.deregister(r); // twice is harmless
    }

    @Test
    void shouldWaitForTheResponderBeforeDeregistering() throws Exception {
        RegisteredRegion r = registry.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
        registry.enterTable(); // the responder thread holds the old table
        Thread t = new Thread(() -> registry.deregister(r));
        t.start();
        t.join(300);
        assertTrue(t.isAlive(), "deregister must wait while the responder uses the old table");
        registry.exitTable();
        t.join(5000);
        assertFalse(t.isAlive());
    }

    @Test
    void shouldWaitForEveryResponderThreadBeforeDeregistering() throws Exception {
        RegionRegistry shared = new RegionRegistry(2);
        RegisteredRegion r = shared.register(arena.allocate(64, 8), ALL, RegionRequest.ANY);
        shared.enterTable(0);
        shared.enterTable(1); // both threads hold the old table
        Thread t = new Thread(() -> shared.deregister(r));
        t.start();
        shared.exitTable(0);
        t.join(300);
        assertTrue(t.isAlive(), "deregister must wait while thread 1 still uses the old table");
        shared.exitTable(1);
        t.join(5000);
        assertFalse(t.isAlive());
    }

    @Test
    void shouldGiveOneRkeyPerTwoGibSegmentOfAMappedFile(@TempDir Path dir) throws IOException, RdmaException {
        long size = 5L << 30; // 5 GiB, sparse: costs no disk or memory
        try (FileChannel ch = FileChannel.open(dir.resolve("big.dta"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
             Arena mapArena = Arena.ofShared()) {
            MemorySegment big = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, mapArena);
            RegisteredRegion r = registry.register(big, ALL, RegionRequest.ANY);
            assertEquals(3, r.rkeys().length);
            assertEquals(0, r.va() % MemoryRegion.SEGMENT_BYTES, "segments line up with 2^31 boundaries");
            RegionTable t = registry.table();
            long seg = MemoryRegion.SEGMENT_BYTES;
            assertEquals(AccessResult.OK, t.checkWrite(r.rkeys()[0], r.va() + seg - 8, 8, access));
            assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(r.rkeys()[0], r.va() + seg, 8, access),
                    "an rkey covers its own segment only");
            assertEquals(AccessResult.OK, t.checkWrite(r.rkeys()[1], r.va() + seg, 8, access));
            assertEquals(seg, access.offset());
            assertEquals(AccessResult.OK, t.checkAtomic(r.rkeys()[2], r.va() + size - 8, access));
            assertEquals(size - 8, access.offset());
            Atomics.fetchAddBigEndian(access.memory(), access.offset(), 42);
            assertEquals(42, Atomics.loadBigEndian(big, size - 8));
            assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkAtomic(r.rkeys()[2], r.va() + size, access));
            assertEquals(AccessResult.OUT_OF_BOUNDS, t.checkWrite(r.rkeys()[1], r.va() + 2 * seg, 8, access));
            registry.deregister(r);
        }
    }
}
