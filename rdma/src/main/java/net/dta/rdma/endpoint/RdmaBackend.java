package net.dta.rdma.endpoint;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;

/**
 * What a collector needs from an RDMA endpoint: register memory, accept RDMA CM connections, and
 * report queue pairs and counters. Two implementations: the software RoCEv2 responder of this
 * module (UDP or raw mode) and the DiSNI verbs backend for real RDMA NICs. The collector is
 * written against this interface only.
 */
public interface RdmaBackend extends AutoCloseable {
    /** Short name for status and logs: "soft-udp", "soft-raw", "disni". */
    String name();

    /** Whether every received packet's ICRC is verified (false on a plain UDP socket). */
    boolean verifiesIcrc();

    /**
     * The byte order FETCH_ADD uses on the registered memory (protocol.md 4.4): a property of the
     * backend (Linux rxe and mlx5 NICs: host order; the software responder: as configured), which
     * the collector records in store headers and the catalog so that every reader gets it right.
     */
    java.nio.ByteOrder atomicByteOrder();

    /** A one-line, human description of the ingest path (shown at start-up and in status). */
    String describe();

    /**
     * Registers memory for remote access. The software backend honours {@code request}'s va and
     * rkeys when given, so a restarted collector advertises the same descriptors; a NIC chooses
     * its own. Regions larger than 2^31 bytes get one rkey per 2^31-byte segment.
     */
    RegisteredRegion register(MemorySegment memory, Set<Access> access, RegionRequest request) throws RdmaException;

    void deregister(RegisteredRegion region);

    /** Starts the passive side of RDMA CM and request processing. */
    void start(ConnectionHandler handler) throws RdmaException;

    /** The queue pairs as they are now. */
    List<QueuePairInfo> queuePairs();

    /** Whether {@link #restoreQueuePairs} works (software backend: yes; a NIC forgets its queue pairs). */
    boolean supportsQueuePairRestore();

    /** Snapshot of every queue pair's state, to persist. */
    List<QueuePairState> queuePairStates();

    /** Re-creates persisted queue pairs before {@link #start}. */
    void restoreQueuePairs(List<QueuePairState> states) throws RdmaException;

    /** Totals over the endpoint: packets, drops by reason, ICRC failures, unknown queue pairs. */
    EndpointCounters counters();

    /** Why the endpoint's own thread stopped (an Error), or null while it runs or when it has none. */
    default Throwable failure() {
        return null;
    }

    @Override
    void close();

    /** Data-plane threads of a software backend (0: a NIC serves the requests, no thread of ours). */
    default int threads() {
        return 0;
    }

    /** Packets each data-plane thread received, by thread index (empty for a NIC). */
    default long[] packetsPerThread() {
        return new long[0];
    }
}
