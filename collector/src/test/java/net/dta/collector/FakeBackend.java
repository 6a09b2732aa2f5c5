package net.dta.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.dta.protocol.catalog.CatalogEntry;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionCounters;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * An in-process backend for testing the collector's own logic (registration requests, catalog,
 * status, restore) without sockets: regions get va/rkeys like the software backend (honouring
 * requests), and {@link #write}/{@link #fetchAdd} apply what a requester's packet would, with the
 * same access checks and counters. The network path itself is tested with the real software
 * responder in {@code CollectorProcessTest}.
 */
public final class FakeBackend implements RdmaBackend {
    private final Map<Integer, RegisteredRegion> byRkey = new ConcurrentHashMap<>();
    private final List<QueuePairState> restored = new ArrayList<>();
    private final Map<String, Long> drops = new HashMap<>();
    private long nextVa = 0x7F00_0000_0000L;
    private int nextRkey = 0x100;
    ConnectionHandler handler;
    boolean closed;
    /** What failure() reports: set by a test to stand for a responder thread that stopped on an Error. */
    volatile Throwable failure;
    long packets;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public java.nio.ByteOrder atomicByteOrder() {
        return java.nio.ByteOrder.BIG_ENDIAN;
    }

    @Override
    public boolean verifiesIcrc() {
        return false;
    }

    @Override
    public String describe() {
        return "in-process test backend";
    }

    @Override
    public synchronized RegisteredRegion register(MemorySegment memory, Set<Access> access, RegionRequest request) throws RdmaException {
        int segments = CatalogEntry.segmentsFor(memory.byteSize());
        long va;
        int[] rkeys;
        if (request.va() != 0 && request.rkeys() != null) {
            for (int k : request.rkeys()) {
                if (byRkey.containsKey(k)) {
                    throw new RdmaException("rkey 0x" + Integer.toHexString(k) + " is in use");
                }
            }
            va = request.va();
            rkeys = request.rkeys().clone();
        } else {
            va = nextVa;
            rkeys = new int[segments];
            for (int i = 0; i < segments; i++) {
                rkeys[i] = nextRkey++;
            }
        }
        nextVa = Math.max(nextVa, va + ((memory.byteSize() + 0xFFFF) & ~0xFFFFL) + 0x10000);
        RegisteredRegion r = new RegisteredRegion(memory, va, rkeys, Set.copyOf(access), new RegionCounters());
        for (int k : rkeys) {
            nextRkey = Math.max(nextRkey, k + 1);
            byRkey.put(k, r);
        }
        return r;
    }

    @Override
    public synchronized void deregister(RegisteredRegion region) {
        for (int k : region.rkeys()) {
            byRkey.remove(k);
        }
    }

    /** What an RDMA WRITE would do; false (and an access error counted) when refused. */
    public boolean write(int rkey, long va, byte[] bytes) {
        packets++;
        RegisteredRegion r = byRkey.get(rkey);
        if (r == null || !r.access().contains(Access.REMOTE_WRITE) || va < r.va() || va + bytes.length > r.va() + r.length()) {
            if (r != null) {
                r.counters().accessErrors.increment();
            }
            return false;
        }
        MemorySegment.copy(bytes, 0, r.memory(), ValueLayout.JAVA_BYTE, va - r.va(), bytes.length);
        r.counters().writes.increment();
        r.counters().writeBytes.add(bytes.length);
        return true;
    }

    /** What a FETCH_ADD would do (big-endian counters); returns the original value or null when refused. */
    public Long fetchAdd(int rkey, long va, long delta) {
        packets++;
        RegisteredRegion r = byRkey.get(rkey);
        if (r == null || !r.access().contains(Access.REMOTE_ATOMIC) || va < r.va() || va + 8 > r.va() + r.length()) {
            if (r != null) {
                r.counters().accessErrors.increment();
            }
            return null;
        }
        var handle = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).varHandle();
        long offset = va - r.va();
        long before;
        do {
            before = (long) handle.getVolatile(r.memory(), offset);
        } while (!handle.compareAndSet(r.memory(), offset, before, before + delta));
        r.counters().atomics.increment();
        return before;
    }

    /** What an RDMA READ would return. */
    public byte[] read(int rkey, long va, int length) {
        RegisteredRegion r = byRkey.get(rkey);
        if (r == null || !r.access().contains(Access.REMOTE_READ)) {
            return null;
        }
        byte[] out = new byte[length];
        MemorySegment.copy(r.memory(), ValueLayout.JAVA_BYTE, va - r.va(), out, 0, length);
        r.counters().reads.increment();
        return out;
    }

    public synchronized void drop(String reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    @Override
    public void start(ConnectionHandler h) {
        this.handler = h;
    }

    @Override
    public List<QueuePairInfo> queuePairs() {
        List<QueuePairInfo> out = new ArrayList<>();
        for (QueuePairState s : restored) {
            try {
                out.add(new QueuePairInfo(s.qpn(), InetAddress.getByAddress(s.remoteAddress()), s.remoteQpn(), s.expectedPsn(), "RTS",
                        packets, packets * 64, 0, 0, 0, 0, 1, 2, Map.of("psn_sequence", 1L), Map.of("out_of_sequence", 3L), 0));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Override
    public boolean supportsQueuePairRestore() {
        return true;
    }

    @Override
    public synchronized List<QueuePairState> queuePairStates() {
        return List.copyOf(restored);
    }

    @Override
    public synchronized void restoreQueuePairs(List<QueuePairState> states) {
        restored.clear();
        restored.addAll(states);
    }

    /** Adds a queue pair as a connection would. */
    public synchronized void addQueuePair(QueuePairState s) {
        restored.add(s);
    }

    @Override
    public synchronized EndpointCounters counters() {
        return new EndpointCounters(packets, packets * 64, packets, 0, Map.copyOf(drops));
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public Throwable failure() {
        return failure;
    }
}
