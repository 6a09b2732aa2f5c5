package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import net.dta.protocol.UdpFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.packetio.status.LogOnce;

/**
 * Portable mode: one UDP socket bound to {@code address:port} (4791 for RoCEv2), batched with
 * recvmmsg/sendmmsg. Needs no privileges, but the kernel hides the IPv4 header of what arrives
 * (the ICRC cannot be verified) and picks the header of what leaves (the UDP source port is the
 * bound port, not the per-QP port of protocol.md 5.1).
 */
public final class UdpPacketChannel implements PacketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(UdpPacketChannel.class);
    private static final int ERR_RECEIVE = 0;
    private static final int ERR_SEND = 1;
    private static final int ERR_OVERSIZED = 2;

    private final NativeSocket socket;
    private final int address;
    private final int port;
    private final ChannelCounters counters = new ChannelCounters();
    private final LogOnce logOnce = new LogOnce(LOG, 3);
    private final KernelDrops kernelDrops;

    private UdpPacketChannel(NativeSocket socket, int address, int port) {
        this.socket = socket;
        this.address = address;
        this.port = port;
        this.kernelDrops = KernelDrops.of(socket.fd, KernelDrops.UDP);
    }

    /** Opens and binds; port 0 picks a free port. */
    public static UdpPacketChannel open(int address, int port, ChannelOptions options) throws IOException {
        return open(address, port, options, false);
    }

    /**
     * Opens {@code steering.shards()} sockets on {@code address:port} (not 0), the datagrams spread
     * over them by the steering program in the kernel (a SO_REUSEPORT group); channel i receives
     * shard i. One shard: {@link #open} (an exclusive bind).
     */
    public static java.util.List<UdpPacketChannel> openSharded(int address, int port, ChannelOptions options,
                                                               ShardSteering steering) throws IOException {
        if (steering.shards() == 1) {
            return java.util.List.of(open(address, port, options));
        }
        if (port == 0) {
            throw new IllegalArgumentException("a sharded channel needs a fixed port");
        }
        // SO_REUSEPORT would let a second endpoint on this address join the group and take a share of
        // its packets: an exclusive bind first fails, as with one shard, when the address is taken,
        // and a later endpoint's exclusive bind fails against this group.
        open(address, port, options).close();
        java.util.List<UdpPacketChannel> group = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < steering.shards(); i++) {
                group.add(open(address, port, options, true)); // the group's index is the bind order
            }
            group.getFirst().socket.attachReuseportProgram(steering.reuseportProgram());
            return java.util.List.copyOf(group);
        } catch (IOException e) {
            group.forEach(UdpPacketChannel::close);
            throw e;
        }
    }

    private static UdpPacketChannel open(int address, int port, ChannelOptions options, boolean reusePort)
            throws IOException {
        NativeSocket s = NativeSocket.open(Libc.SOCK_DGRAM, Libc.IPPROTO_UDP, "UDP");
        try {
            if (reusePort) {
                s.setInt(Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            s.receiveBuffer(options.receiveBufferBytes());
            s.sendBuffer(options.sendBufferBytes());
            s.receiveTimeout(options.pollTimeoutMillis());
            // DF and, from an unconnected socket, identification 0: the header protocol.md 5.3 predicts.
            s.setInt(Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
            s.bind(address, port);
            return new UdpPacketChannel(s, address, port != 0 ? port : s.boundPort());
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public int receive(PacketBatch batch) {
        return receive(batch, Libc.MSG_WAITFORONE);
    }

    @Override
    public int receiveNow(PacketBatch batch) {
        return receive(batch, Libc.MSG_DONTWAIT);
    }

    private int receive(PacketBatch batch, int flags) {
        int capacity = batch.capacity();
        int room = batch.prepareReceive(UdpFrame.PAYLOAD_OFFSET);
        counters.values.increment(ChannelCounters.RECEIVE_CALLS);
        int n = Libc.recvmmsg(socket.errno, socket.fd, batch.messages, capacity, flags, MemorySegment.NULL);
        if (n <= 0) {
            receiveFailed(n);
            batch.count(0);
            return 0;
        }
        MemorySegment s = batch.segment();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long frame = batch.frameOffset(i);
            int len = batch.messageLength(i);
            if ((batch.messageFlags(i) & Libc.MSG_TRUNC) != 0) {
                counters.values.increment(ChannelCounters.OVERSIZED);
                logOnce.warn(ERR_OVERSIZED, "dropped a datagram larger than a {}-byte batch slot", room);
                batch.length(i, 0);
                continue;
            }
            long name = batch.nameOffset(i);
            SyntheticHeaders.ethernet(s, frame);
            SyntheticHeaders.ipUdp(s, frame, len, Libc.sockaddrInAddress(batch.names, name),
                    Libc.sockaddrInPort(batch.names, name), address, port);
            batch.length(i, UdpFrame.PAYLOAD_OFFSET + len);
            bytes += len;
        }
        counters.values.add(ChannelCounters.PACKETS_RECEIVED, n);
        counters.values.add(ChannelCounters.BYTES_RECEIVED, bytes);
        batch.count(n);
        return n;
    }

    private void receiveFailed(int n) {
        int e = n < 0 ? socket.lastErrno() : 0;
        if (n < 0 && e != Libc.EAGAIN && e != Libc.EINTR) {
            counters.values.increment(ChannelCounters.RECEIVE_ERRORS);
            logOnce.warn(ERR_RECEIVE, "recvmmsg on {}: {}", describe(), Libc.strerror(e));
        }
    }

    @Override
    public int send(PacketBatch batch, int count) {
        MemorySegment s = batch.segment();
        for (int i = 0; i < count; i++) {
            long frame = batch.frameOffset(i);
            int destination = s.get(Bytes.U32, frame + SyntheticHeaders.IP_OFFSET + 16);
            int destinationPort = Bytes.u16(s, frame + SyntheticHeaders.UDP_OFFSET + 2);
            Libc.sockaddrIn(batch.names, batch.nameOffset(i), destination, destinationPort);
            batch.nameLength(i, (int) Libc.SOCKADDR_IN_SIZE);
            batch.iovec(i, UdpFrame.PAYLOAD_OFFSET, batch.length(i) - UdpFrame.PAYLOAD_OFFSET);
        }
        return MultiSend.sendAll(socket, batch, count, counters, logOnce, ERR_SEND, UdpFrame.PAYLOAD_OFFSET);
    }

    @Override
    public boolean seesIpHeader() {
        return false;
    }

    @Override
    public int localAddress() {
        return address;
    }

    @Override
    public int sourcePort() {
        return port;
    }

    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "UDP socket " + Ipv4.format(address) + ":" + port
                + " (portable mode: IPv4 headers are not visible, ICRCs are NOT verified)";
    }

    @Override
    public ChannelCounters counters() {
        return counters;
    }

    @Override
    public long kernelDrops() {
        return kernelDrops.read();
    }

    @Override
    public void close() {
        socket.close();
    }
}
