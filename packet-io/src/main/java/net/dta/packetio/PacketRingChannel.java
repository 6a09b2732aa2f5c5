package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.packetio.status.LogOnce;

/**
 * The fallback of xdp mode where AF_XDP cannot be opened (needs CAP_NET_RAW): an AF_PACKET socket
 * bound to the interface of the channel's address, receiving through a TPACKET_V3 memory-mapped
 * ring (the kernel fills blocks of frames; a block is handed over when full or after
 * {@link #BLOCK_TIMEOUT_MILLIS}, one poll per block instead of one recvmmsg per batch), with a
 * classic BPF filter that keeps only unfragmented IPv4/UDP to the channel's address and port.
 * Sends whole Ethernet frames with sendmmsg on the same socket, MACs written as in
 * {@link XdpPacketChannel} (next hop from {@link Neighbours}; through the kernel while unresolved).
 *
 * <p>Received frames are complete as on the wire (real IPv4 header: ICRC verifiable). Unlike
 * AF_XDP, the kernel's stack also gets every datagram, so a sink UDP socket (as in raw mode)
 * keeps it from answering "port unreachable".
 */
@SuppressWarnings("restricted") // the ring is mapped from the kernel with the size we asked for
public final class PacketRingChannel implements PacketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(PacketRingChannel.class);
    private static final int AF_PACKET = 17;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_RX_RING = 5;
    private static final int PACKET_VERSION = 10;
    private static final int PACKET_STATISTICS = 6;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int TPACKET_V3 = 2;
    private static final short ETH_P_IP_BE = 0x0008; // htons(0x0800) as stored little-endian
    private static final int TP_STATUS_USER = 1;
    private static final int BLOCK_BYTES = 1 << 20;
    private static final int FRAME_HINT = 2048;
    private static final int BLOCK_TIMEOUT_MILLIS = 1;
    private static final int SINK_BUFFER_BYTES = 4096;
    // struct tpacket_block_desc / tpacket_hdr_v1 and tpacket3_hdr offsets
    private static final int BLOCK_STATUS = 8;
    private static final int BLOCK_PACKETS = 12;
    private static final int BLOCK_FIRST = 16;
    private static final int PKT_NEXT = 0;
    private static final int PKT_SNAPLEN = 12;
    private static final int PKT_MAC = 24;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final int ERR_RECEIVE = 0;
    private static final int ERR_SEND = 1;
    private static final int ERR_OVERSIZED = 2;
    private static final int ERR_NEIGHBOUR = 3;

    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private final NativeSocket sink;
    private final LinkInfo link;
    private final Neighbours neighbours;
    private final int address;
    private final int port;
    private final int pollTimeoutMillis;
    private final String why;
    private final MemorySegment pollFd;
    private final MemorySegment ring;
    private final int blocks;
    private final int[] messageSlot;
    private int block;
    /** Within the current (user-owned) block: packets left, and the offset of the next one (0: block not started). */
    private int left;
    private long next;
    /** The kernel's ring drops summed over reads (reading PACKET_STATISTICS resets its count). */
    private long droppedSoFar;
    private final ChannelCounters counters = new ChannelCounters();
    private final LogOnce logOnce = new LogOnce(LOG, 4);

    private PacketRingChannel(NativeSocket socket, NativeSocket sink, LinkInfo link, Neighbours neighbours, int address,
                              int port, ChannelOptions options, MemorySegment ring, int blocks, String why) {
        this.socket = socket;
        this.sink = sink;
        this.link = link;
        this.neighbours = neighbours;
        this.address = address;
        this.port = port;
        this.pollTimeoutMillis = options.pollTimeoutMillis();
        this.ring = ring;
        this.blocks = blocks;
        this.why = why;
        this.pollFd = arena.allocate(8, 4);
        pollFd.set(ValueLayout.JAVA_INT, 0, socket.fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        this.messageSlot = new int[1024];
    }

    /**
     * Opens the ring on the interface of {@code address} for UDP port {@code port}; {@code why}
     * says why this path and not AF_XDP (for logs and status).
     */
    public static PacketRingChannel open(int address, int port, ChannelOptions options, String why) throws IOException {
        LinkInfo link = LinkInfo.of(address);
        NativeSocket socket = null;
        NativeSocket sink = null;
        Neighbours neighbours = null;
        try {
            // Protocol 0 until bind: nothing is queued before the filter is attached.
            socket = NativeSocket.open(AF_PACKET, Libc.SOCK_RAW, 0, "AF_PACKET ring");
            socket.setInt(SOL_PACKET, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            socket.attachFilter(filter(address, port));
            try {
                socket.setInt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            } catch (IOException olderKernel) {
                // before 4.20: our own sends are to other addresses, which the filter drops anyway
            }
            int blocks = Math.max(4, options.receiveBufferBytes() / BLOCK_BYTES);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment req = a.allocate(28, 4);
                req.set(ValueLayout.JAVA_INT, 0, BLOCK_BYTES);
                req.set(ValueLayout.JAVA_INT, 4, blocks);
                req.set(ValueLayout.JAVA_INT, 8, FRAME_HINT);
                req.set(ValueLayout.JAVA_INT, 12, BLOCK_BYTES / FRAME_HINT * blocks);
                req.set(ValueLayout.JAVA_INT, 16, BLOCK_TIMEOUT_MILLIS);
                if (Libc.setsockopt(socket.errno, socket.fd, SOL_PACKET, PACKET_RX_RING, req, 28) != 0) {
                    throw new IOException("PACKET_RX_RING (TPACKET_V3, " + blocks + " blocks of " + BLOCK_BYTES + " bytes): "
                            + Libc.strerror(socket.lastErrno()));
                }
            }
            long bytes = (long) blocks * BLOCK_BYTES;
            MemorySegment m = Libc.mmap(socket.errno, bytes, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_SHARED | Libc.MAP_POPULATE, socket.fd, 0);
            if (m.address() == -1L) {
                throw new IOException("cannot map the packet ring: " + Libc.strerror(socket.lastErrno()));
            }
            bindToInterface(socket, link);
            sink = NativeSocket.open(Libc.SOCK_DGRAM, Libc.IPPROTO_UDP, "UDP sink");
            sink.setInt(Libc.SOL_SOCKET, Libc.SO_RCVBUF, SINK_BUFFER_BYTES, "SO_RCVBUF");
            sink.bind(address, port);
            neighbours = new Neighbours(link);
            return new PacketRingChannel(socket, sink, link, neighbours, address, port, options, m.reinterpret(bytes),
                    blocks, why);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {neighbours, sink, socket}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // closing what was half opened
                    }
                }
            }
            throw e;
        }
    }

    private static void bindToInterface(NativeSocket socket, LinkInfo link) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
            MemorySegment sll = a.allocate(20, 4);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
            sll.set(ValueLayout.JAVA_SHORT, 2, ETH_P_IP_BE);
            sll.set(ValueLayout.JAVA_INT, 4, link.index());
            if (Libc.bind(socket.errno, socket.fd, sll, 20) != 0) {
                throw new IOException("cannot bind the packet socket to " + link + ": " + Libc.strerror(socket.lastErrno()));
            }
        }
    }

    /** Unfragmented IPv4/UDP to {@code address:port}, offsets from the Ethernet header. */
    static int[][] filter(int address, int port) {
        return new int[][] {
                {0x28, 0, 0, 12},         // ldh [12]         ethertype
                {0x15, 0, 10, 0x0800},    // jeq IPv4 ? next : drop
                {0x30, 0, 0, 23},         // ldb [23]         IPv4 protocol
                {0x15, 0, 8, 17},         // jeq UDP ? next : drop
                {0x20, 0, 0, 30},         // ld [30]          destination address
                {0x15, 0, 6, address},    // jeq #address ? next : drop
                {0x28, 0, 0, 20},         // ldh [20]         flags + fragment offset
                {0x45, 4, 0, 0x3FFF},     // jset MF|offset ? drop : next
                {0xB1, 0, 0, 14},         // ldxb 4*([14]&0xf) IPv4 header length
                {0x48, 0, 0, 16},         // ldh [x+16]       UDP destination port (14 + 2)
                {0x15, 0, 1, port},       // jeq #port ? accept : drop
                {0x06, 0, 0, 0xFFFF},     // accept
                {0x06, 0, 0, 0},          // drop
        };
    }

    @Override
    public int receive(PacketBatch batch) {
        int n = receiveNow(batch);
        if (n > 0) {
            return n;
        }
        counters.values.increment(ChannelCounters.RECEIVE_CALLS);
        if (Libc.poll(socket.errno, pollFd, 1, pollTimeoutMillis) < 0 && socket.lastErrno() != Libc.EINTR) {
            counters.values.increment(ChannelCounters.RECEIVE_ERRORS);
            logOnce.warn(ERR_RECEIVE, "poll on {}: {}", describe(), Libc.strerror(socket.lastErrno()));
        }
        return receiveNow(batch);
    }

    @Override
    public int receiveNow(PacketBatch batch) {
        int n = 0;
        long bytes = 0;
        MemorySegment frames = batch.segment();
        while (n < batch.capacity()) {
            long base = (long) block * BLOCK_BYTES;
            if (left == 0) {
                if (next != 0) {
                    // The block is done: hand it back, go to the next one.
                    INT.setRelease(ring, base + BLOCK_STATUS, 0);
                    next = 0;
                    block = (block + 1) % blocks;
                    continue;
                }
                if (((int) INT.getAcquire(ring, base + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
                    break;
                }
                left = ring.get(ValueLayout.JAVA_INT, base + BLOCK_PACKETS);
                next = base + ring.get(ValueLayout.JAVA_INT, base + BLOCK_FIRST);
                if (left == 0) {
                    continue;
                }
            }
            int snap = ring.get(ValueLayout.JAVA_INT, next + PKT_SNAPLEN);
            int mac = Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, next + PKT_MAC));
            if (snap > batch.slotBytes()) {
                counters.values.increment(ChannelCounters.OVERSIZED);
                logOnce.warn(ERR_OVERSIZED, "dropped a {}-byte frame larger than a {}-byte batch slot", snap, batch.slotBytes());
                batch.length(n, 0);
            } else {
                MemorySegment.copy(ring, next + mac, frames, batch.frameOffset(n), snap);
                batch.length(n, snap);
                bytes += snap;
            }
            n++;
            left--;
            next += ring.get(ValueLayout.JAVA_INT, next + PKT_NEXT);
        }
        counters.values.add(ChannelCounters.PACKETS_RECEIVED, n);
        counters.values.add(ChannelCounters.BYTES_RECEIVED, bytes);
        batch.count(n);
        return n;
    }

    @Override
    public int send(PacketBatch batch, int count) {
        MemorySegment frames = batch.segment();
        int messages = 0;
        kernelSent = 0;
        for (int i = 0; i < count; i++) {
            long frame = batch.frameOffset(i);
            int destination = frames.get(Bytes.U32, frame + SyntheticHeaders.IP_OFFSET + 16);
            long mac = neighbours.macFor(destination);
            if (mac == Neighbours.UNKNOWN) {
                if (neighbours.sendThroughKernel(frames, frame, batch.length(i), destination, counters, logOnce, ERR_NEIGHBOUR)) {
                    kernelSent++;
                }
                continue;
            }
            neighbours.writeEthernet(frames, frame, mac);
            // Message `messages` carries slot i; no name: the bound interface and protocol are used.
            batch.iovecTo(messages, i, 0, batch.length(i));
            batch.nameLength(messages, 0);
            messageSlot[messages] = i;
            messages++;
        }
        int sent = messages == 0 ? 0 : MultiSend.sendAll(socket, batch, messages, counters, logOnce, ERR_SEND, 0, messageSlot);
        return kernelSent + sent;
    }

    /** Frames of the current send that went through the kernel. */
    private int kernelSent;

    @Override
    public boolean seesIpHeader() {
        return true;
    }

    @Override
    public int localAddress() {
        return address;
    }

    @Override
    public int sourcePort() {
        return -1;
    }

    @Override
    public String describe() {
        return "AF_PACKET TPACKET_V3 ring on " + link + " for UDP " + Ipv4.format(address) + ":" + port
                + " (xdp mode's fallback: " + why + "; IPv4 headers visible, every ICRC verified)";
    }

    @Override
    public ChannelCounters counters() {
        return counters;
    }

    /**
     * Frames the kernel dropped for want of ring space since the last read (PACKET_STATISTICS
     * tp_drops; reading it resets the kernel's count, so this keeps the running total).
     */
    @Override
    public synchronized long kernelDrops() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment stats = a.allocate(12, 4);
            MemorySegment length = a.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, 12);
            MemorySegment errno = Libc.allocateErrno(a);
            if (Libc.getsockopt(errno, socket.fd, SOL_PACKET, PACKET_STATISTICS, stats, length) != 0) {
                return -1;
            }
            droppedSoFar += Integer.toUnsignedLong(stats.get(ValueLayout.JAVA_INT, 4));
            return droppedSoFar;
        }
    }

    @Override
    public void close() {
        Libc.munmap(socket.errno, ring, ring.byteSize());
        socket.close();
        sink.close();
        neighbours.close();
        arena.close();
    }
}
