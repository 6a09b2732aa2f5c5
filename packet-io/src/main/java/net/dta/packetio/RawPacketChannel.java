package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.packetio.status.LogOnce;

/**
 * Raw mode (needs CAP_NET_RAW): receives with a {@code SOCK_RAW/IPPROTO_UDP} socket bound to the
 * local address, so every frame carries its real IPv4 header and the ICRC can be verified; a
 * classic BPF filter passes only unfragmented UDP to its address and port (4791), so the loop never wakes for
 * other traffic. Sends with an {@code IPPROTO_RAW} socket ({@code IP_HDRINCL}): the IPv4 header
 * goes out as written (Linux fills in the total length and checksum, which are what we wrote,
 * and keeps identification 0 with DF, as the ICRC assumes).
 *
 * <p>The kernel still hands each datagram to UDP too, which would answer ICMP port unreachable
 * when nothing listens: a sink UDP socket with a tiny buffer is bound to the same address and
 * port to keep it quiet (its overflow drops are harmless).
 */
public final class RawPacketChannel implements PacketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(RawPacketChannel.class);
    private static final int ERR_RECEIVE = 0;
    private static final int ERR_SEND = 1;
    private static final int ERR_OVERSIZED = 2;
    private static final int SINK_BUFFER_BYTES = 4096;

    private final NativeSocket receiver;
    private final NativeSocket sender;
    private final NativeSocket sink;
    private final int address;
    private final int port;
    private final ChannelCounters counters = new ChannelCounters();
    private final LogOnce logOnce = new LogOnce(LOG, 3);
    private final KernelDrops kernelDrops;

    private RawPacketChannel(NativeSocket receiver, NativeSocket sender, NativeSocket sink, int address, int port) {
        this.receiver = receiver;
        this.sender = sender;
        this.sink = sink;
        this.address = address;
        this.port = port;
        // The receiver's: the sink's drops are every datagram it never reads, by design.
        this.kernelDrops = KernelDrops.of(receiver.fd, KernelDrops.RAW);
    }

    public static RawPacketChannel open(int address, int port, ChannelOptions options) throws IOException {
        return open(address, port, options, ShardSteering.single(), 0);
    }

    /**
     * Opens {@code steering.shards()} channels on {@code address:port}: channel i's receiver filter
     * accepts only shard i's packets (every raw socket sees every packet); only channel 0 holds the
     * UDP sink socket.
     */
    public static java.util.List<RawPacketChannel> openSharded(int address, int port, ChannelOptions options,
                                                               ShardSteering steering) throws IOException {
        java.util.List<RawPacketChannel> group = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < steering.shards(); i++) {
                group.add(open(address, port, options, steering, i));
            }
            return java.util.List.copyOf(group);
        } catch (IOException e) {
            group.forEach(RawPacketChannel::close);
            throw e;
        }
    }

    private static RawPacketChannel open(int address, int port, ChannelOptions options, ShardSteering steering,
                                         int shard) throws IOException {
        NativeSocket receiver = null;
        NativeSocket sender = null;
        NativeSocket sink = null;
        try {
            receiver = NativeSocket.open(Libc.SOCK_RAW, Libc.IPPROTO_UDP, "raw receive");
            receiver.attachFilter(steering.rawFilter(address, port, shard));
            receiver.drain();
            receiver.receiveBuffer(options.receiveBufferBytes());
            receiver.receiveTimeout(options.pollTimeoutMillis());
            receiver.bind(address, 0);
            sender = NativeSocket.open(Libc.SOCK_RAW, Libc.IPPROTO_RAW, "raw send");
            sender.sendBuffer(options.sendBufferBytes());
            if (shard == 0) {
                sink = NativeSocket.open(Libc.SOCK_DGRAM, Libc.IPPROTO_UDP, "UDP sink");
                sink.setInt(Libc.SOL_SOCKET, Libc.SO_RCVBUF, SINK_BUFFER_BYTES, "SO_RCVBUF");
                sink.bind(address, port);
            }
            return new RawPacketChannel(receiver, sender, sink, address, port);
        } catch (IOException e) {
            for (NativeSocket s : new NativeSocket[] {receiver, sender, sink}) {
                if (s != null) {
                    s.close();
                }
            }
            throw e;
        }
    }

    /**
     * Accept unfragmented UDP to {@code address:port}; drop everything else in the kernel. A raw
     * socket sees every packet of the host, so without the address check every raw endpoint on a
     * host (several collectors, a translator, parallel test runs) would wake for all RoCEv2 traffic.
     */
    static int[][] udpFilter(int address, int port) {
        int[][] checks = udpChecks(address, port, 1);
        int[][] program = java.util.Arrays.copyOf(checks, checks.length + 2);
        program[checks.length] = new int[] {0x06, 0, 0, 0xFFFF};   // accept
        program[checks.length + 1] = new int[] {0x06, 0, 0, 0};    // drop
        return program;
    }

    /**
     * The checks of {@link #udpFilter} (X = the IPv4 header length after them), for programs that go
     * on from there: {@code between} instructions follow before the drop instruction, which every
     * failed check jumps to.
     */
    static int[][] udpChecks(int address, int port, int between) {
        return new int[][] {
                {0x30, 0, 0, 9},                     // ldb [9]          IPv4 protocol
                {0x15, 0, 7 + between, 17},          // jeq #17 ? next : drop
                {0x20, 0, 0, 16},                    // ld [16]          IPv4 destination address
                {0x15, 0, 5 + between, address},     // jeq #address ? next : drop
                {0x28, 0, 0, 6},                     // ldh [6]          flags + fragment offset
                {0x45, 3 + between, 0, 0x3FFF},      // jset MF|offset ? drop : next
                {0xB1, 0, 0, 0},                     // ldxb 4*([0]&0xf) IPv4 header length
                {0x48, 0, 0, 2},                     // ldh [x+2]        UDP destination port
                {0x15, 0, between, port},            // jeq #port ? next : drop
        };
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
        int room = batch.prepareReceive(SyntheticHeaders.IP_OFFSET);
        counters.values.increment(ChannelCounters.RECEIVE_CALLS);
        int n = Libc.recvmmsg(receiver.errno, receiver.fd, batch.messages, capacity, flags,
                MemorySegment.NULL);
        if (n <= 0) {
            int e = n < 0 ? receiver.lastErrno() : 0;
            if (n < 0 && e != Libc.EAGAIN && e != Libc.EINTR) {
                counters.values.increment(ChannelCounters.RECEIVE_ERRORS);
                logOnce.warn(ERR_RECEIVE, "recvmmsg on {}: {}", describe(), Libc.strerror(e));
            }
            batch.count(0);
            return 0;
        }
        MemorySegment s = batch.segment();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            int len = batch.messageLength(i);
            if ((batch.messageFlags(i) & Libc.MSG_TRUNC) != 0) {
                counters.values.increment(ChannelCounters.OVERSIZED);
                logOnce.warn(ERR_OVERSIZED, "dropped a packet larger than a {}-byte batch slot", room);
                batch.length(i, 0);
                continue;
            }
            SyntheticHeaders.ethernet(s, batch.frameOffset(i));
            batch.length(i, SyntheticHeaders.IP_OFFSET + len);
            bytes += len;
        }
        counters.values.add(ChannelCounters.PACKETS_RECEIVED, n);
        counters.values.add(ChannelCounters.BYTES_RECEIVED, bytes);
        batch.count(n);
        return n;
    }

    @Override
    public int send(PacketBatch batch, int count) {
        MemorySegment s = batch.segment();
        for (int i = 0; i < count; i++) {
            long frame = batch.frameOffset(i);
            int destination = s.get(Bytes.U32, frame + SyntheticHeaders.IP_OFFSET + 16);
            Libc.sockaddrIn(batch.names, batch.nameOffset(i), destination, 0);
            batch.nameLength(i, (int) Libc.SOCKADDR_IN_SIZE);
            batch.iovec(i, SyntheticHeaders.IP_OFFSET, batch.length(i) - SyntheticHeaders.IP_OFFSET);
        }
        return MultiSend.sendAll(sender, batch, count, counters, logOnce, ERR_SEND, SyntheticHeaders.IP_OFFSET);
    }

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
        return "raw IPv4 sockets on " + Ipv4.format(address) + " UDP port " + port
                + " (raw mode: IPv4 headers visible, every ICRC verified)";
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
        receiver.close();
        sender.close();
        if (sink != null) {
            sink.close();
        }
    }
}
