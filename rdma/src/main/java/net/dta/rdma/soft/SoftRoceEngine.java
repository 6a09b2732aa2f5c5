package net.dta.rdma.soft;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.packetio.Ipv4;
import net.dta.rdma.region.RegionRegistry;

/**
 * The responder's state and logic without sockets: regions, queue pairs, counters, one RC
 * {@link Responder} per data-plane thread and the CM {@link CmResponder} (on the thread that owns
 * QPN 1). {@link SoftRoceBackend} drives it from packet channels; tests drive it frame by frame.
 */
final class SoftRoceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SoftRoceEngine.class);

    /** One data-plane thread's part: its queue pairs, counters and responder. */
    record Shard(OwnedQueuePairs queuePairs, EndpointStats stats, Responder responder) {
    }

    final SoftRoceConfig config;
    final RegionRegistry regions;
    final QueuePairTable queuePairs;
    final ConnectionEvents events = new ConnectionEvents();
    final CmResponder cm;
    final Shard[] shards;
    /** Thread 0's responder and counters (the only ones with one thread, as tests use it). */
    final Responder responder;
    final EndpointStats stats;

    /** @param forcedSourcePort the UDP source port of every sent frame (UDP mode), or -1 */
    SoftRoceEngine(SoftRoceConfig config, int forcedSourcePort) {
        this.config = config;
        int n = config.threads();
        this.regions = new RegionRegistry(n);
        OwnedQueuePairs[] owned = new OwnedQueuePairs[n];
        EndpointStats[] stats = new EndpointStats[n];
        for (int i = 0; i < n; i++) {
            owned[i] = new OwnedQueuePairs();
            stats[i] = new EndpointStats();
        }
        this.queuePairs = new QueuePairTable(owned);
        int cmThread = config.ownerOf(1);
        this.cm = new CmResponder(config, queuePairs, stats[cmThread], events, forcedSourcePort);
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(owned[i], stats[i], new Responder(config, regions, owned[i], i,
                    i == cmThread ? cm : null, stats[i], events));
        }
        this.responder = shards[0].responder();
        this.stats = shards[0].stats();
    }

    void handler(ConnectionHandler handler) {
        events.handler(handler);
    }

    List<QueuePairInfo> queuePairs() {
        List<QueuePairInfo> out = new ArrayList<>();
        for (QueuePair qp : queuePairs.snapshot()) {
            out.add(qp.info());
        }
        return out;
    }

    List<QueuePairState> queuePairStates() {
        List<QueuePairState> out = new ArrayList<>();
        for (QueuePair qp : queuePairs.snapshot()) {
            out.add(qp.snapshot());
        }
        return out;
    }

    /**
     * Re-creates queue pairs (in RTS) from a previous run's snapshot; call before the endpoint thread
     * starts. Within the CM policy's limits (every saved queue pair was created by an authenticated
     * REQ): the excess, per source or in total, is refused and logged as an error. Returns how many
     * were restored.
     */
    int restore(List<QueuePairState> states) throws RdmaException {
        java.util.Map<Integer, Integer> perSource = new java.util.HashMap<>();
        int restored = 0;
        int refused = 0;
        for (QueuePairState s : states) {
            String which = "cannot restore queue pair 0x" + Integer.toHexString(s.qpn()) + ": ";
            if (s.qpn() < 2 || s.qpn() > 0xFF_FFFF || queuePairs.get(s.qpn()) != null) {
                throw new RdmaException(which + "QPN out of range (2..0xFFFFFF) or restored twice");
            }
            if (s.remoteAddress() == null || s.remoteAddress().length != 4) {
                throw new RdmaException(which + "the remote address must be 4 bytes of IPv4");
            }
            if (!PathMtu.valid(s.mtu())) {
                throw new RdmaException(which + "MTU " + s.mtu() + " is not 256, 512, 1024, 2048 or 4096");
            }
            int remote = Ipv4.fromBytes(s.remoteAddress());
            int fromSource = perSource.getOrDefault(remote, 0);
            if (queuePairs.live().length >= config.cmPolicy().maxQueuePairs()
                    || fromSource >= config.cmPolicy().maxQueuePairsPerSource()) {
                refused++;
                continue;
            }
            perSource.put(remote, fromSource + 1);
            restored++;
            QueuePair qp = new QueuePair(s.qpn(), remote, s.remoteQpn(), s.expectedPsn(), s.msn(), s.mtu(),
                    (int) s.localCommId(), (int) s.remoteCommId(), cm.routeFor(s.qpn(), 0, 0, remote),
                    System.currentTimeMillis());
            queuePairs.put(qp);
            LOG.info("restored queue pair 0x{} (requester {} QPN 0x{}, expected PSN 0x{})", Integer.toHexString(s.qpn()),
                    Ipv4.format(remote), Integer.toHexString(s.remoteQpn()), Integer.toHexString(s.expectedPsn()));
        }
        if (refused > 0) {
            LOG.error("{} saved queue pair(s) NOT restored: more than the limits allow ({} in total, {} per source; "
                    + "cm.max-queue-pairs, cm.max-queue-pairs-per-source): their requesters must connect again",
                    refused, config.cmPolicy().maxQueuePairs(), config.cmPolicy().maxQueuePairsPerSource());
        }
        return restored;
    }

    /** The counters of every thread added up, with CM's refusals. */
    EndpointCounters counters() {
        long packets = 0;
        long bytes = 0;
        long sent = 0;
        long icrc = 0;
        java.util.Map<String, Long> drops = new java.util.LinkedHashMap<>();
        for (Shard shard : shards) {
            EndpointCounters c = shard.stats().snapshot();
            packets += c.packetsReceived();
            bytes += c.bytesReceived();
            sent += c.packetsSent();
            icrc += c.icrcFailures();
            c.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
        }
        drops.putAll(cm.refusals());
        return new EndpointCounters(packets, bytes, sent, icrc, drops);
    }

    /** Packets each data-plane thread received, by thread index (status: is the load spread?). */
    long[] packetsPerThread() {
        long[] out = new long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            out[i] = shards[i].stats().get(EndpointStats.PACKETS);
        }
        return out;
    }
}
