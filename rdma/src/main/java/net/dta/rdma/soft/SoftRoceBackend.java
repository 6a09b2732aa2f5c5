package net.dta.rdma.soft;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;
import net.dta.packetio.Ipv4;
import net.dta.packetio.LinkLayerChannels;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.ShardSteering;
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.region.RegionRegistry;
import net.dta.packetio.wire.UdpHeader;

/**
 * The software RoCEv2 responder as an {@link RdmaBackend}: behaves like the RC responder of an
 * RDMA NIC for what DTA uses (protocol.md 5.4, 5.5, 7), over {@link UdpPacketChannel}s (portable,
 * no ICRC check), {@link RawPacketChannel}s (CAP_NET_RAW, ICRC verified) or, in xdp mode, the
 * channel {@link LinkLayerChannels} opens (AF_XDP or its packet-ring fallback, ICRC verified; one
 * data-plane thread).
 *
 * <p>Threads: {@link SoftRoceConfig#threads()} data-plane threads, each with its own socket(s);
 * the kernel steers every packet to the thread that owns its destination queue pair (QPN mod
 * threads, {@link ShardSteering}), so each queue pair has one writer and nothing is locked per
 * packet. CM (QP 1) runs on the thread that owns QPN 1.
 *
 * <p>Life cycle: {@link #open} binds the sockets (so a bad address or missing privilege fails
 * at once, naming the problem); register regions and restore queue pairs; {@link #start} starts
 * the threads; {@link #close} stops them and releases the sockets.
 */
public final class SoftRoceBackend implements RdmaBackend {
    private static final Logger LOG = LoggerFactory.getLogger(SoftRoceBackend.class);
    /** The BTH's destination QP: the low 24 bits of BTH bytes 4..7, at the start of the UDP payload. */
    private static final int BTH_DEST_QP_WORD = 4;

    private final SoftRoceConfig config;
    /** The drop reason of packets the kernel dropped at the responder's socket (receive buffer full). */
    public static final String KERNEL_RECEIVE_BUFFER = "kernel_receive_buffer";

    private final List<? extends PacketChannel> channels;
    private final PacketChannel channel;
    private final SoftRoceEngine engine;
    private final List<PacketBatch> batches = new java.util.ArrayList<>();
    private final List<ResponderAgent> agents = new java.util.ArrayList<>();
    private final List<Thread> threads = new java.util.ArrayList<>();
    private boolean started;
    private boolean closed;

    private SoftRoceBackend(SoftRoceConfig config, List<? extends PacketChannel> channels) {
        this.config = config;
        this.channels = channels;
        this.channel = channels.getFirst();
        this.engine = new SoftRoceEngine(config, channel.sourcePort());
        for (int i = 0; i < channels.size(); i++) {
            PacketBatch received = new PacketBatch(config.batchSize());
            PacketBatch replies = new PacketBatch(config.batchSize());
            batches.add(received);
            batches.add(replies);
            SoftRoceEngine.Shard shard = engine.shards[i];
            agents.add(new ResponderAgent(channels.get(i), shard.responder(), received,
                    new BatchReplySink(replies, channels.get(i), shard.stats())));
        }
    }

    /** Opens the sockets of the configured mode on {@code localAddress:4791}, one set per data-plane thread. */
    public static SoftRoceBackend open(SoftRoceConfig config) throws RdmaException {
        if (config.mode() == SoftRoceConfig.Mode.XDP && config.threads() > 1) {
            // One AF_XDP socket on queue 0 of the interface: one thread (several need one socket per
            // queue or a shared UMEM; not built yet).
            LOG.warn("xdp mode runs one data-plane thread (one AF_XDP socket on queue 0); {} were asked for, 1 runs",
                    config.threads());
            config = config.withThreads(1);
        }
        ShardSteering steering = new ShardSteering(BTH_DEST_QP_WORD, 0xFF_FFFF, config.threads());
        List<? extends PacketChannel> channels;
        try {
            channels = switch (config.mode()) {
                case RAW -> RawPacketChannel.openSharded(config.localAddress(), UdpHeader.ROCE_PORT, config.channel(), steering);
                case XDP -> List.of(LinkLayerChannels.open(config.localAddress(), UdpHeader.ROCE_PORT, config.channel()));
                case UDP -> UdpPacketChannel.openSharded(config.localAddress(), UdpHeader.ROCE_PORT, config.channel(), steering);
            };
        } catch (IOException e) {
            throw new RdmaException("software RoCEv2 endpoint (" + config.mode() + " mode) on "
                    + Ipv4.format(config.localAddress()) + ": " + e.getMessage(), e);
        }
        return new SoftRoceBackend(config, channels);
    }

    @Override
    public String name() {
        return "soft-" + config.mode().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public java.nio.ByteOrder atomicByteOrder() {
        return config.atomicsLittleEndian() ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
    }

    @Override
    public boolean verifiesIcrc() {
        return channel.seesIpHeader();
    }

    @Override
    public String describe() {
        return "software RoCEv2 responder on " + channel.describe() + ", " + channels.size() + " data-plane thread"
                + (channels.size() == 1 ? "" : "s (queue pairs steered by QPN mod " + channels.size() + ")");
    }

    /** Data-plane threads (each owns the queue pairs whose QPN mod this is its index). */
    @Override
    public int threads() {
        return channels.size();
    }

    /** Packets each data-plane thread received, by thread index (status: whether the load is spread). */
    @Override
    public long[] packetsPerThread() {
        return engine.packetsPerThread();
    }

    @Override
    public RegisteredRegion register(MemorySegment memory, Set<Access> access, RegionRequest request)
            throws RdmaException {
        return engine.regions.register(memory, access, request);
    }

    @Override
    public void deregister(RegisteredRegion region) {
        engine.regions.deregister(region);
    }

    @Override
    public synchronized void start(ConnectionHandler handler) throws RdmaException {
        if (closed) {
            throw new RdmaException("the endpoint is closed");
        }
        if (started) {
            throw new RdmaException("the endpoint is already started");
        }
        started = true;
        engine.handler(handler);
        if (!verifiesIcrc()) {
            LOG.warn("UDP mode: this endpoint cannot see IPv4 headers and does NOT verify ICRCs; use raw mode "
                    + "(root or CAP_NET_RAW) to drop corrupted packets as a NIC would");
        }
        LOG.info("{}: CM service id port {}, error-on-NAK {}", describe(), config.cmPort(), config.errorOnNak());
        String name = "dta-rdma-" + Ipv4.format(config.localAddress());
        for (int i = 0; i < agents.size(); i++) {
            Thread t = new Thread(agents.get(i), agents.size() == 1 ? name : name + "-" + i);
            threads.add(t);
            t.start();
        }
    }

    @Override
    public List<QueuePairInfo> queuePairs() {
        return engine.queuePairs();
    }

    @Override
    public boolean supportsQueuePairRestore() {
        return true;
    }

    @Override
    public List<QueuePairState> queuePairStates() {
        return engine.queuePairStates();
    }

    @Override
    public synchronized void restoreQueuePairs(List<QueuePairState> states) throws RdmaException {
        if (started) {
            throw new RdmaException("queue pairs can only be restored before start()");
        }
        engine.restore(states);
    }

    @Override
    public Throwable failure() {
        for (ResponderAgent a : agents) {
            if (a.failure() != null) {
                return a.failure();
            }
        }
        return null;
    }

    @Override
    public EndpointCounters counters() {
        EndpointCounters c = engine.counters();
        long kernel = 0;
        for (PacketChannel ch : channels) {
            long k = ch.kernelDrops();
            if (k < 0) {
                return c;
            }
            kernel += k;
        }
        // Packets that never reached the responder: its socket's receive buffer was full.
        java.util.Map<String, Long> drops = new java.util.LinkedHashMap<>(c.drops());
        drops.put(KERNEL_RECEIVE_BUFFER, kernel);
        return new EndpointCounters(c.packetsReceived(), c.bytesReceived(), c.packetsSent(), c.icrcFailures(), drops);
    }

    /** The socket-level counters (receive calls, send errors, ...), for status. */
    public net.dta.packetio.ChannelCounters channelCounters() {
        return channels.size() == 1 ? channel.counters()
                : net.dta.packetio.ChannelCounters.sum(channels.stream().map(PacketChannel::counters).toList());
    }

    /** The region registry (regions as this endpoint checks them). */
    public RegionRegistry regions() {
        return engine.regions;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        agents.forEach(ResponderAgent::stop);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channels.forEach(PacketChannel::close);
        batches.forEach(PacketBatch::close);
    }
}
