package net.dta.packetio;

import java.io.IOException;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Next-hop MAC addresses for a link-layer channel, from the kernel's own tables through netlink
 * ({@link RouteNetlink}): the kernel's route lookup decides the next hop (the destination itself
 * when it is on the link, else the gateway), its neighbour table the MAC. Both sockets are opened
 * with the channel, so they ask the channel's network namespace whichever thread sends.
 *
 * <p>Answers come from a small cache (open addressing, no allocation on a hit); a miss, or an
 * entry older than {@link #MAX_AGE_NANOS}, reads the tables once. A next hop the kernel has not
 * resolved yet is asked for with one empty UDP datagram to its discard port (9) through a normal
 * socket, which makes the kernel send an ARP request; the frame that found it missing is dropped
 * and counted by the caller. Probes are sent at most every {@link #PROBE_INTERVAL_NANOS}.
 */
final class Neighbours implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Neighbours.class);
    static final long UNKNOWN = -1;
    private static final int SLOTS = 256;
    private static final long MAX_AGE_NANOS = 30_000_000_000L;
    private static final long PROBE_INTERVAL_NANOS = 100_000_000L;
    private static final int DISCARD_PORT = 9;

    private final LinkInfo link;
    private final int[] keys = new int[SLOTS];
    private final long[] macs = new long[SLOTS];
    private final long[] resolvedAt = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final NativeSocket probe;
    private final RouteNetlink netlink;
    private final java.lang.foreign.MemorySegment probeBuffer;
    private final java.lang.foreign.MemorySegment probeAddress;
    private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
    private long lastProbe;

    Neighbours(LinkInfo link) throws IOException {
        this.link = link;
        this.probe = link.loopback() ? null : NativeSocket.open(Libc.SOCK_DGRAM, Libc.IPPROTO_UDP, "neighbour probe");
        this.netlink = link.loopback() ? null : new RouteNetlink();
        this.probeBuffer = arena.allocate(8);
        this.probeAddress = arena.allocate(Libc.SOCKADDR_IN_SIZE, 8);
    }

    /** The MAC (48 bits in a long) to send a frame for {@code destination} to, or {@link #UNKNOWN}. */
    long macFor(int destination) {
        if (link.loopback()) {
            return 0;
        }
        int slot = slot(destination);
        long now = System.nanoTime();
        if (used[slot] && keys[slot] == destination && now - resolvedAt[slot] < MAX_AGE_NANOS) {
            return macs[slot];
        }
        return resolve(destination, slot, now);
    }

    private int slot(int destination) {
        int h = (destination * 0x9E3779B9) >>> 24;
        for (int i = 0; i < SLOTS; i++) {
            int s = (h + i) & (SLOTS - 1);
            if (!used[s] || keys[s] == destination) {
                return s;
            }
        }
        // Full (256 distinct destinations): forget everything, the tables are the truth.
        Arrays.fill(used, false);
        return h;
    }

    private long resolve(int destination, int slot, long now) {
        int nextHop = netlink.nextHop(destination);
        long mac = nextHop == 0 ? UNKNOWN : netlink.neighbour(nextHop, link.index());
        if (mac == UNKNOWN) {
            used[slot] = false;
            if (now - lastProbe >= PROBE_INTERVAL_NANOS) {
                lastProbe = now;
                askKernel(nextHop == 0 ? destination : nextHop);
            }
            return UNKNOWN;
        }
        used[slot] = true;
        keys[slot] = destination;
        macs[slot] = mac;
        resolvedAt[slot] = now;
        return mac;
    }

    /** One empty UDP datagram to the discard port: the kernel resolves the neighbour to send it. */
    private void askKernel(int address) {
        if (probe == null) {
            return;
        }
        Libc.sockaddrIn(probeAddress, 0, address, DISCARD_PORT);
        if (Libc.sendto(probe.errno, probe.fd, probeBuffer, 0, Libc.MSG_DONTWAIT, probeAddress,
                (int) Libc.SOCKADDR_IN_SIZE) < 0) {
            LOG.debug("neighbour probe to {} failed: {}", Ipv4.format(address), Libc.strerror(probe.lastErrno()));
        }
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.close();
            netlink.close();
        }
        arena.close();
    }
}
