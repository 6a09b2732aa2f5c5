package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.packetio.status.LogOnce;

/**
 * xdp mode (needs CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF): an AF_XDP socket on queue 0 of the
 * interface that carries the channel's address, fed by the XDP program of {@link XdpSteering},
 * which redirects UDP to {@code address:port} into the socket before the kernel's stack sees it
 * and passes everything else (ARP included) to the stack.
 *
 * <p>UMEM: {@link #FRAMES} frames of {@link #FRAME_BYTES} bytes in one 2 MiB-aligned block, the
 * first half lent to the kernel through the fill ring for receiving, the second half a free list
 * for sending (returned through the completion ring). Frames are copied between the UMEM and the
 * caller's {@link PacketBatch} (bound in copy mode, XDP_COPY, which every driver supports; veth
 * has no zero-copy mode).
 *
 * <p>Received frames are complete as they were on the wire (real MACs, the real IPv4 header:
 * {@link #seesIpHeader()} true, ICRCs verifiable). Sent frames go out byte for byte as the batch
 * holds them, with the Ethernet header replaced: our MAC as source, the next hop's from the
 * kernel's tables ({@link Neighbours}) as destination. A frame whose next hop is not resolved
 * yet goes through the kernel instead (a raw socket, header as written), which resolves the
 * neighbour and sends it then; counted in {@link ChannelCounters#NEIGHBOUR_UNRESOLVED}. The sender writes the IPv4 total length and header
 * checksum and the UDP checksum (0 for RoCEv2) itself; raw mode's kernel recomputes the same
 * total length and checksum, so the two modes put identical bytes on the wire.
 *
 * <p>Frames larger than {@link #FRAME_BYTES} minus the kernel's 256-byte XDP headroom (3840
 * bytes) are dropped by the kernel on receive and show in {@link #kernelDrops()}.
 */
public final class XdpPacketChannel implements PacketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(XdpPacketChannel.class);
    static final int AF_XDP = 44;
    private static final int SOL_XDP = 283;
    private static final int XDP_MMAP_OFFSETS = 1;
    private static final int XDP_RX_RING = 2;
    private static final int XDP_TX_RING = 3;
    private static final int XDP_UMEM_REG = 4;
    private static final int XDP_UMEM_FILL_RING = 5;
    private static final int XDP_UMEM_COMPLETION_RING = 6;
    private static final int XDP_STATISTICS = 7;
    private static final int XDP_COPY = 1 << 1;
    private static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    private static final long PGOFF_RX = 0;
    private static final long PGOFF_TX = 0x80000000L;
    private static final long PGOFF_FILL = 0x100000000L;
    private static final long PGOFF_COMPLETION = 0x180000000L;
    static final int FRAME_BYTES = 4096;
    static final int FRAMES = 4096;
    private static final int RING_SIZE = FRAMES / 2;
    private static final long UMEM_ALIGNMENT = 2L << 20;
    private static final int DESCRIPTOR_BYTES = 16;
    private static final int QUEUE = 0;
    private static final long BUSY_RETRY_MILLIS = 2000;
    /** Kicks of the TX ring per send before giving up on what is still queued (the rest goes with the next send). */
    private static final int MAX_KICKS = 64;

    private static final int ERR_RECEIVE = 0;
    private static final int ERR_SEND = 1;
    private static final int ERR_OVERSIZED = 2;
    private static final int ERR_NEIGHBOUR = 3;
    private static final int ERR_TX_FULL = 4;

    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private final LinkInfo link;
    private final int address;
    private final int port;
    private final int pollTimeoutMillis;
    private final MemorySegment umem;
    private final MemorySegment pollFd;
    private final long[] freeTx = new long[FRAMES - RING_SIZE];
    private int freeTxCount;
    private XdpRing fill;
    private XdpRing completion;
    private XdpRing rx;
    private XdpRing tx;
    private XdpSteering steering;
    private Neighbours neighbours;
    private boolean needWakeup = true;
    private final ChannelCounters counters = new ChannelCounters();
    private final LogOnce logOnce = new LogOnce(LOG, 5);

    private XdpPacketChannel(NativeSocket socket, LinkInfo link, int address, int port, ChannelOptions options) {
        this.socket = socket;
        this.link = link;
        this.address = address;
        this.port = port;
        this.pollTimeoutMillis = options.pollTimeoutMillis();
        this.umem = arena.allocate((long) FRAMES * FRAME_BYTES, UMEM_ALIGNMENT);
        this.pollFd = arena.allocate(8, 4);
        pollFd.set(ValueLayout.JAVA_INT, 0, socket.fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
    }

    /**
     * Opens the socket on the interface of {@code address}, attaches the steering program for UDP
     * port {@code port} and starts receiving. Throws, naming the step and the fix, when AF_XDP is
     * not possible here (no privilege, no AF_XDP in the kernel, the driver refuses, another XDP
     * program on the interface).
     */
    public static XdpPacketChannel open(int address, int port, ChannelOptions options) throws IOException {
        LinkInfo link = LinkInfo.of(address);
        NativeSocket socket = NativeSocket.open(AF_XDP, Libc.SOCK_RAW, 0, "AF_XDP");
        XdpPacketChannel c = new XdpPacketChannel(socket, link, address, port, options);
        try {
            c.setUp();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void setUp() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(32, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, umem.address());
            reg.set(ValueLayout.JAVA_LONG, 8, umem.byteSize());
            reg.set(ValueLayout.JAVA_INT, 16, FRAME_BYTES);
            if (Libc.setsockopt(socket.errno, socket.fd, SOL_XDP, XDP_UMEM_REG, reg, (int) reg.byteSize()) != 0) {
                throw new IOException("XDP_UMEM_REG on the AF_XDP socket: " + Libc.strerror(socket.lastErrno()));
            }
            for (int option : new int[] {XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING, XDP_TX_RING}) {
                socket.setInt(SOL_XDP, option, RING_SIZE, "the ring size (option " + option + ")");
            }
            MemorySegment offsets = a.allocate(128, 8);
            MemorySegment length = a.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, 128);
            if (Libc.getsockopt(socket.errno, socket.fd, SOL_XDP, XDP_MMAP_OFFSETS, offsets, length) != 0) {
                throw new IOException("XDP_MMAP_OFFSETS: " + Libc.strerror(socket.lastErrno()));
            }
            rx = XdpRing.map(socket, PGOFF_RX, offsets, 0, RING_SIZE, DESCRIPTOR_BYTES, false, "RX");
            tx = XdpRing.map(socket, PGOFF_TX, offsets, 32, RING_SIZE, DESCRIPTOR_BYTES, true, "TX");
            fill = XdpRing.map(socket, PGOFF_FILL, offsets, 64, RING_SIZE, 8, true, "fill");
            completion = XdpRing.map(socket, PGOFF_COMPLETION, offsets, 96, RING_SIZE, 8, false, "completion");
        }
        for (int i = 0; i < RING_SIZE; i++) {
            fill.memory().set(ValueLayout.JAVA_LONG, fill.entry(i), (long) i * FRAME_BYTES);
        }
        fill.produce(RING_SIZE);
        for (int i = 0; i < freeTx.length; i++) {
            freeTx[i] = (long) (RING_SIZE + i) * FRAME_BYTES;
        }
        freeTxCount = freeTx.length;
        // The program first: another one on the interface (a second channel) fails at once (EBUSY), before
        // bind() would wait for a queue that a live socket holds.
        steering = XdpSteering.attach(link.index(), address, port);
        bind();
        neighbours = new Neighbours(link);
        steering.steer(QUEUE, socket.fd);
    }

    /**
     * Binds to queue 0 in copy mode, asking for need-wakeup (fewer syscalls) and doing without when
     * refused. EBUSY is retried for up to {@link #BUSY_RETRY_MILLIS}: the kernel releases the queue
     * of a closed AF_XDP socket in deferred work, so a channel reopened at once (a restart) can find
     * it still taken.
     */
    private void bind() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sxdp = a.allocate(16, 4);
            sxdp.set(ValueLayout.JAVA_SHORT, 0, (short) AF_XDP);
            sxdp.set(ValueLayout.JAVA_INT, 4, link.index());
            sxdp.set(ValueLayout.JAVA_INT, 8, QUEUE);
            long deadline = System.nanoTime() + BUSY_RETRY_MILLIS * 1_000_000L;
            while (true) {
                sxdp.set(ValueLayout.JAVA_SHORT, 2, (short) (XDP_COPY | XDP_USE_NEED_WAKEUP));
                needWakeup = true;
                if (Libc.bind(socket.errno, socket.fd, sxdp, 16) == 0) {
                    return;
                }
                needWakeup = false;
                sxdp.set(ValueLayout.JAVA_SHORT, 2, (short) XDP_COPY);
                if (Libc.bind(socket.errno, socket.fd, sxdp, 16) == 0) {
                    return;
                }
                int e = socket.lastErrno();
                if (e != Libc.EBUSY || System.nanoTime() > deadline) {
                    throw new IOException("cannot bind the AF_XDP socket to " + link + " queue " + QUEUE + ": "
                            + Libc.strerror(e) + (e == Libc.EBUSY ? " (another AF_XDP socket uses the queue)" : ""));
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for queue " + QUEUE + " of " + link);
                }
            }
        }
    }

    @Override
    public int receive(PacketBatch batch) {
        int n = receiveNow(batch);
        if (n > 0) {
            return n;
        }
        counters.values.increment(ChannelCounters.RECEIVE_CALLS);
        int r = Libc.poll(socket.errno, pollFd, 1, pollTimeoutMillis);
        if (r < 0 && socket.lastErrno() != Libc.EINTR) {
            counters.values.increment(ChannelCounters.RECEIVE_ERRORS);
            logOnce.warn(ERR_RECEIVE, "poll on {}: {}", describe(), Libc.strerror(socket.lastErrno()));
        }
        return receiveNow(batch);
    }

    @Override
    public int receiveNow(PacketBatch batch) {
        int n = Math.min(rx.available(), batch.capacity());
        if (n <= 0) {
            batch.count(0);
            if (needWakeup && fill.needsWakeup()) {
                Libc.recv(socket.errno, socket.fd, MemorySegment.NULL, 0, Libc.MSG_DONTWAIT);
            }
            return 0;
        }
        MemorySegment ring = rx.memory();
        MemorySegment frames = batch.segment();
        MemorySegment fillRing = fill.memory();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long d = rx.entry(i);
            long addr = ring.get(ValueLayout.JAVA_LONG, d);
            int len = ring.get(ValueLayout.JAVA_INT, d + 8);
            if (len > batch.slotBytes()) {
                counters.values.increment(ChannelCounters.OVERSIZED);
                logOnce.warn(ERR_OVERSIZED, "dropped a {}-byte frame larger than a {}-byte batch slot", len, batch.slotBytes());
                batch.length(i, 0);
            } else {
                MemorySegment.copy(umem, addr, frames, batch.frameOffset(i), len);
                batch.length(i, len);
                bytes += len;
            }
            // The frame goes straight back to the kernel (aligned mode: the chunk's start).
            fillRing.set(ValueLayout.JAVA_LONG, fill.entry(i), addr & -FRAME_BYTES);
        }
        rx.consume(n);
        fill.produce(n);
        counters.values.add(ChannelCounters.PACKETS_RECEIVED, n);
        counters.values.add(ChannelCounters.BYTES_RECEIVED, bytes);
        batch.count(n);
        return n;
    }

    @Override
    public int send(PacketBatch batch, int count) {
        reapCompletions();
        MemorySegment frames = batch.segment();
        MemorySegment ring = tx.memory();
        int posted = 0;
        kernelSent = 0;
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            long frame = batch.frameOffset(i);
            int len = batch.length(i);
            int destination = frames.get(Bytes.U32, frame + SyntheticHeaders.IP_OFFSET + 16);
            long mac = neighbours.macFor(destination);
            if (mac == Neighbours.UNKNOWN) {
                if (neighbours.sendThroughKernel(frames, frame, len, destination, counters, logOnce, ERR_NEIGHBOUR)) {
                    kernelSent++;
                }
                continue;
            }
            if (freeTxCount == 0 || len > FRAME_BYTES) {
                counters.values.increment(ChannelCounters.SEND_ERRORS);
                logOnce.warn(ERR_TX_FULL, len > FRAME_BYTES ? "dropped a frame larger than an AF_XDP frame ({} bytes)"
                        : "dropped a frame: all {} AF_XDP send frames are in flight", FRAME_BYTES);
                continue;
            }
            long addr = freeTx[--freeTxCount];
            MemorySegment.copy(frames, frame, umem, addr, len);
            neighbours.writeEthernet(umem, addr, mac);
            long d = tx.entry(posted);
            ring.set(ValueLayout.JAVA_LONG, d, addr);
            ring.set(ValueLayout.JAVA_INT, d + 8, len);
            ring.set(ValueLayout.JAVA_INT, d + 12, 0);
            posted++;
            bytes += len;
        }
        if (posted > 0) {
            tx.produce(posted);
            kick();
        }
        counters.values.add(ChannelCounters.PACKETS_SENT, posted);
        counters.values.add(ChannelCounters.BYTES_SENT, bytes);
        return kernelSent + posted;
    }

    /**
     * Tells the kernel to transmit what the TX ring holds. In copy mode each sendto transmits a
     * bounded batch and answers EAGAIN while more is queued; EBUSY/ENOBUFS mean the device queue is
     * full: the rest stays in the ring and goes with the next kick.
     */
    private void kick() {
        for (int k = 0; k < MAX_KICKS && !tx.drained(); k++) {
            counters.values.increment(ChannelCounters.SEND_CALLS);
            if (Libc.sendto(socket.errno, socket.fd, MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0) >= 0) {
                continue;
            }
            int e = socket.lastErrno();
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                continue;
            }
            if (e != Libc.EBUSY && e != Libc.ENOBUFS) {
                counters.values.increment(ChannelCounters.SEND_ERRORS);
                logOnce.warn(ERR_SEND, "AF_XDP transmit on {}: {}", link.name(), Libc.strerror(e));
            }
            break;
        }
        reapCompletions();
    }

    /** Takes back the send frames the kernel finished with. */
    private void reapCompletions() {
        int n = completion.available();
        if (n <= 0) {
            return;
        }
        MemorySegment ring = completion.memory();
        for (int i = 0; i < n; i++) {
            freeTx[freeTxCount++] = ring.get(ValueLayout.JAVA_LONG, completion.entry(i));
        }
        completion.consume(n);
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
        return "AF_XDP socket on " + link + " queue " + QUEUE + " (copy mode" + (needWakeup ? ", need-wakeup" : "")
                + "), XDP program steering UDP to " + Ipv4.format(address) + ":" + port
                + " (xdp mode: IPv4 headers visible, every ICRC verified)";
    }

    @Override
    public ChannelCounters counters() {
        return counters;
    }

    /**
     * What the kernel dropped before this socket read it: XDP_STATISTICS rx_dropped (no room in
     * a frame, no fill entry) plus rx_ring_full (the RX ring was full).
     */
    @Override
    public long kernelDrops() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment stats = a.allocate(48, 8);
            MemorySegment length = a.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, 48);
            MemorySegment errno = Libc.allocateErrno(a);
            if (Libc.getsockopt(errno, socket.fd, SOL_XDP, XDP_STATISTICS, stats, length) != 0) {
                return -1;
            }
            return stats.get(ValueLayout.JAVA_LONG, 0) + stats.get(ValueLayout.JAVA_LONG, 24);
        }
    }

    @Override
    public void close() {
        // The program first: from then on the kernel's stack gets the traffic again.
        if (steering != null) {
            steering.close();
        }
        if (neighbours != null) {
            neighbours.close();
        }
        for (XdpRing r : new XdpRing[] {rx, tx, fill, completion}) {
            if (r != null) {
                r.unmap(socket.errno);
            }
        }
        socket.close();
        arena.close();
    }
}
