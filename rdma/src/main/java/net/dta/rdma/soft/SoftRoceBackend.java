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
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.region.RegionRegistry;
import net.dta.packetio.wire.UdpHeader;

/**
 * The software RoCEv2 responder as an {@link RdmaBackend}: behaves like the RC responder of an
 * RDMA NIC for what DTA uses (protocol.md 5.4, 5.5, 7), over a {@link UdpPacketChannel} (portable,
 * no ICRC check), a {@link RawPacketChannel} (CAP_NET_RAW, ICRC verified) or, in xdp mode, the
 * channel {@link LinkLayerChannels} opens (AF_XDP or its packet-ring fallback, ICRC verified).
 *
 * <p>Life cycle: {@link #open} binds the sockets (so a bad address or missing privilege fails
 * at once, naming the problem); register regions and restore queue pairs; {@link #start} starts
 * the endpoint thread; {@link #close} stops it and releases the sockets.
 */
public final class SoftRoceBackend implements RdmaBackend {
    private static final Logger LOG = LoggerFactory.getLogger(SoftRoceBackend.class);

    private final SoftRoceConfig config;
    /** The drop reason of packets the kernel dropped at the responder's socket (receive buffer full). */
    public static final String KERNEL_RECEIVE_BUFFER = "kernel_receive_buffer";

    private final PacketChannel channel;
    private final SoftRoceEngine engine;
    private final PacketBatch received;
    private final PacketBatch replies;
    private final ResponderAgent agent;
    private Thread thread;
    private boolean closed;

    private SoftRoceBackend(SoftRoceConfig config, PacketChannel channel) {
        this.config = config;
        this.channel = channel;
        this.engine = new SoftRoceEngine(config, channel.sourcePort());
        this.received = new PacketBatch(config.batchSize());
        this.replies = new PacketBatch(config.batchSize());
        this.agent = new ResponderAgent(channel, engine.responder, received,
                new BatchReplySink(replies, channel, engine.stats));
    }

    /** Opens the sockets of the configured mode on {@code localAddress:4791}. */
    public static SoftRoceBackend open(SoftRoceConfig config) throws RdmaException {
        PacketChannel channel;
        try {
            channel = switch (config.mode()) {
                case RAW -> RawPacketChannel.open(config.localAddress(), UdpHeader.ROCE_PORT, config.channel());
                case XDP -> LinkLayerChannels.open(config.localAddress(), UdpHeader.ROCE_PORT, config.channel());
                case UDP -> UdpPacketChannel.open(config.localAddress(), UdpHeader.ROCE_PORT, config.channel());
            };
        } catch (IOException e) {
            throw new RdmaException("software RoCEv2 endpoint (" + config.mode() + " mode) on "
                    + Ipv4.format(config.localAddress()) + ": " + e.getMessage(), e);
        }
        return new SoftRoceBackend(config, channel);
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
        return "software RoCEv2 responder on " + channel.describe();
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
        if (thread != null) {
            throw new RdmaException("the endpoint is already started");
        }
        engine.handler(handler);
        if (!verifiesIcrc()) {
            LOG.warn("UDP mode: this endpoint cannot see IPv4 headers and does NOT verify ICRCs; use raw mode "
                    + "(root or CAP_NET_RAW) to drop corrupted packets as a NIC would");
        }
        LOG.info("{}: CM service id port {}, error-on-NAK {}", describe(), config.cmPort(), config.errorOnNak());
        thread = new Thread(agent, "dta-rdma-" + Ipv4.format(config.localAddress()));
        thread.start();
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
        if (thread != null) {
            throw new RdmaException("queue pairs can only be restored before start()");
        }
        engine.restore(states);
    }

    @Override
    public Throwable failure() {
        return agent.failure();
    }

    @Override
    public EndpointCounters counters() {
        EndpointCounters c = engine.counters();
        long kernel = channel.kernelDrops();
        if (kernel < 0) {
            return c;
        }
        // Packets that never reached the responder: its socket's receive buffer was full.
        java.util.Map<String, Long> drops = new java.util.LinkedHashMap<>(c.drops());
        drops.put(KERNEL_RECEIVE_BUFFER, kernel);
        return new EndpointCounters(c.packetsReceived(), c.bytesReceived(), c.packetsSent(), c.icrcFailures(), drops);
    }

    /** The socket-level counters (receive calls, send errors, ...), for status. */
    public net.dta.packetio.ChannelCounters channelCounters() {
        return channel.counters();
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
        agent.stop();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channel.close();
        received.close();
        replies.close();
    }
}
