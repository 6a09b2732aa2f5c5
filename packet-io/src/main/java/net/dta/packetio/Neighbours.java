package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * entry older than {@link #MAX_AGE_NANOS}, reads the tables once. A frame whose next hop the
 * kernel has not resolved yet goes through the kernel instead ({@link #sendThroughKernel}), which
 * sends the ARP request, holds the frame and sends it once answered.
 */
final class Neighbours implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Neighbours.class);
    static final long UNKNOWN = -1;
    private static final int SLOTS = 256;
    private static final long MAX_AGE_NANOS = 30_000_000_000L;

    private final LinkInfo link;
    private final int[] keys = new int[SLOTS];
    private final long[] macs = new long[SLOTS];
    private final long[] resolvedAt = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final NativeSocket kernel;
    private final RouteNetlink netlink;
    private final MemorySegment kernelAddress;
    private final Arena arena = Arena.ofShared();

    Neighbours(LinkInfo link) throws IOException {
        this.link = link;
        this.kernel = link.loopback() ? null : NativeSocket.open(Libc.SOCK_RAW, Libc.IPPROTO_RAW, "kernel send");
        this.netlink = link.loopback() ? null : new RouteNetlink();
        this.kernelAddress = arena.allocate(Libc.SOCKADDR_IN_SIZE, 8);
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
            return UNKNOWN;
        }
        used[slot] = true;
        keys[slot] = destination;
        macs[slot] = mac;
        resolvedAt[slot] = now;
        return mac;
    }

    /**
     * Sends the IPv4 packet at {@code s[ipOffset, ipOffset + length)} through the kernel (a raw
     * socket, IP_HDRINCL: the header goes out as written, as in raw mode). The kernel resolves the
     * next hop and holds the packet meanwhile, so a frame to an unresolved neighbour is delayed,
     * not lost. Returns whether the kernel took it.
     */
    boolean sendThroughKernel(MemorySegment s, long ipOffset, int length, int destination) {
        if (kernel == null) {
            return false;
        }
        Libc.sockaddrIn(kernelAddress, 0, destination, 0);
        return Libc.sendto(kernel.errno, kernel.fd, s.asSlice(ipOffset, length), length, Libc.MSG_DONTWAIT,
                kernelAddress, (int) Libc.SOCKADDR_IN_SIZE) == length;
    }

    @Override
    public void close() {
        if (kernel != null) {
            kernel.close();
            netlink.close();
        }
        arena.close();
    }
}
