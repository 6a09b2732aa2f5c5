package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import net.dta.protocol.Bytes;
import net.dta.packetio.status.LogOnce;
import net.dta.packetio.wire.EthernetHeader;

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
     * Sends the frame at {@code s[frame, frame + length)} to {@code destination} through the kernel
     * (a raw socket, IP_HDRINCL: its IPv4 header goes out as written, as in raw mode). The kernel
     * resolves the next hop and holds the packet meanwhile, so a frame to an unresolved neighbour
     * is delayed, not lost. Counts it ({@link ChannelCounters#NEIGHBOUR_UNRESOLVED} and sent, or a
     * send error when the kernel refuses) and logs the first one. Returns whether the kernel took it.
     */
    boolean sendThroughKernel(MemorySegment s, long frame, int length, int destination, ChannelCounters counters,
                              LogOnce logOnce, int logReason) {
        counters.values.increment(ChannelCounters.NEIGHBOUR_UNRESOLVED);
        int ipLength = length - SyntheticHeaders.IP_OFFSET;
        boolean sent = false;
        if (kernel != null) {
            Libc.sockaddrIn(kernelAddress, 0, destination, 0);
            sent = Libc.sendto(kernel.errno, kernel.fd, s.asSlice(frame + SyntheticHeaders.IP_OFFSET, ipLength), ipLength,
                    Libc.MSG_DONTWAIT, kernelAddress, (int) Libc.SOCKADDR_IN_SIZE) == ipLength;
        }
        if (sent) {
            counters.values.increment(ChannelCounters.PACKETS_SENT);
            counters.values.add(ChannelCounters.BYTES_SENT, length);
        } else {
            counters.values.increment(ChannelCounters.SEND_ERRORS);
        }
        if (logOnce.pending(logReason)) {
            logOnce.warn(logReason, "{} a frame to {} through the kernel: its next hop's MAC is not in the neighbour table "
                    + "of {} yet", sent ? "sent" : "could not send", Ipv4.format(destination), link.name());
        }
        return sent;
    }

    /** Writes the Ethernet header of a frame to {@code mac}: our interface's MAC as source, type IPv4. */
    void writeEthernet(MemorySegment s, long frame, long mac) {
        Bytes.u16(s, frame, (int) (mac >>> 32));
        Bytes.u32(s, frame + 2, mac & 0xFFFF_FFFFL);
        Bytes.u16(s, frame + 6, (int) (link.mac() >>> 32));
        Bytes.u32(s, frame + 8, link.mac() & 0xFFFF_FFFFL);
        Bytes.u16(s, frame + EthernetHeader.ETHER_TYPE_OFFSET, EthernetHeader.ETHER_TYPE_IPV4);
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
