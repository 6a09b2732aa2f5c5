package net.dta.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.LinkLayerChannels;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.UdpPacketChannel;
import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.protocol.UdpFrame;
import net.dta.reporter.Frames;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline of the translator-throughput benchmark: the software translator's socket set-up
 * (a {@link UdpPacketChannel} on the report port with the default options, another on
 * {@code address:4791} for what it emits, batches of 64, non-blocking receives and the same
 * spin-yield-park idle strategy) and no processing: every report received is copied into one UDP
 * datagram to the destination, sent with sendmmsg after each receive batch. One thread, an Agrona
 * agent. In raw mode the two channels are {@link RawPacketChannel}s (the translator's raw mode):
 * the datagram goes out with the IPv4 and UDP headers written here (UDP checksum 0, as IPv4 allows).
 * In xdp mode they are {@link LinkLayerChannels} (AF_XDP, else the AF_PACKET ring), as the
 * translator's xdp mode opens them: reports on the report address's interface, the datagrams out
 * on the address's, the same frames as in raw mode (the channel writes total length and checksum).
 */
final class BareForwarder implements Agent, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BareForwarder.class);
    private static final int BATCH = 64;
    /** The translator data plane's idle loop: 50 spins, 20 yields, then parks from 1 µs doubling to 0.5 ms. */
    private static final long SPINS = 50;
    private static final long YIELDS = 20;
    private static final long MIN_PARK_NANOS = 1_000;
    private static final long MAX_PARK_NANOS = 500_000;
    private static final int UDP_LENGTH_OFFSET = EthernetHeader.LENGTH + Ipv4Header.LENGTH + 4;

    private final PacketChannel reports;
    private final PacketChannel out;
    private final int reportPort;
    private final int address;
    private final int reportAddress;
    private final PacketBatch in = new PacketBatch(BATCH);
    private final PacketBatch send = new PacketBatch(BATCH);
    private final String name;
    private final AgentRunner runner;
    private final Thread thread;
    /** The first unexpected failure of the loop: logged once, and the loop stops (no error at line rate). */
    private volatile Throwable failure;
    private volatile long received;
    private volatile long sent;

    /**
     * @param address     the forwarder's address (reports on {@code reportPort}, sends from port 4791)
     * @param destination where each report goes, to port 4791
     */
    BareForwarder(int address, int reportPort, int destination) throws IOException {
        this(false, address, reportPort, destination);
    }

    /**
     * @param raw        raw sockets (needs CAP_NET_RAW; {@code reportPort} must then be a fixed port), as the translator's raw mode
     */
    BareForwarder(boolean raw, int address, int reportPort, int destination) throws IOException {
        this(raw ? "raw" : "udp", address, address, reportPort, destination);
    }

    /**
     * @param path          udp, raw or xdp (the translator's network.mode)
     * @param reportAddress where reports arrive (the translator's network.report-address)
     */
    BareForwarder(String path, int reportAddress, int address, int reportPort, int destination) throws IOException {
        this.address = address;
        this.reportAddress = reportAddress;
        if (!path.equals("xdp") && reportAddress != address) {
            throw new IllegalArgumentException("a bare forwarder on raw or udp sockets takes reports on its own address");
        }
        if (path.equals("xdp")) {
            this.reports = LinkLayerChannels.open(reportAddress, reportPort, ChannelOptions.DEFAULT);
            try {
                this.out = LinkLayerChannels.open(address, 4791, ChannelOptions.DEFAULT);
            } catch (IOException | RuntimeException e) {
                reports.close();
                throw e;
            }
            this.reportPort = reportPort;
        } else if (path.equals("raw")) {
            this.reports = RawPacketChannel.open(address, reportPort, ChannelOptions.DEFAULT);
            this.out = RawPacketChannel.open(address, 4791, ChannelOptions.DEFAULT);
            this.reportPort = reportPort;
        } else {
            UdpPacketChannel udp = UdpPacketChannel.open(address, reportPort, ChannelOptions.DEFAULT);
            this.reports = udp;
            this.out = UdpPacketChannel.open(address, 4791, ChannelOptions.DEFAULT);
            this.reportPort = udp.port();
        }
        MemorySegment s = send.segment();
        for (int i = 0; i < BATCH; i++) {
            long ip = send.frameOffset(i) + EthernetHeader.LENGTH;
            // What a raw send puts on the wire as is (Linux fills in the total length and header checksum); UDP mode reads
            // only the destination address and port.
            Bytes.u8(s, ip, 0x45);
            Bytes.u16(s, ip + 6, 0x4000);
            Bytes.u8(s, ip + 8, 64);
            Bytes.u8(s, ip + 9, 17);
            Bytes.u32(s, ip + 12, address & 0xFFFF_FFFFL);
            Bytes.u32(s, send.frameOffset(i) + Frames.IPV4_DESTINATION_OFFSET, destination & 0xFFFF_FFFFL);
            Bytes.u16(s, ip + Ipv4Header.LENGTH, 4791);
            Bytes.u16(s, send.frameOffset(i) + Frames.UDP_DESTINATION_PORT_OFFSET, 4791);
        }
        LOG.info("bare forwarder on the {} path: {}", path, describe());
        this.name = "dta-bare-forwarder-" + Ipv4.format(address);
        this.runner = new AgentRunner(new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS),
                this::failed, null, this);
        this.thread = AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private void failed(Throwable t) {
        if (failure == null && !(t instanceof AgentTerminationException)) {
            failure = t;
            LOG.error("{} stopped: {}", name, t.toString(), t);
        }
    }

    /** One receive batch forwarded; the count tells the idle strategy whether to back off. */
    @Override
    public int doWork() {
        if (failure != null) {
            throw new AgentTerminationException("stopped after " + failure);
        }
        int n = reports.receiveNow(in);
        MemorySegment rx = in.segment();
        MemorySegment tx = send.segment();
        int m = 0;
        for (int i = 0; i < n; i++) {
            int length = in.length(i);
            if (length > UdpFrame.PAYLOAD_OFFSET) {
                MemorySegment.copy(rx, in.frameOffset(i) + UdpFrame.PAYLOAD_OFFSET, tx,
                        send.frameOffset(m) + UdpFrame.PAYLOAD_OFFSET, length - UdpFrame.PAYLOAD_OFFSET);
                send.length(m, length);
                Bytes.u16(tx, send.frameOffset(m) + UDP_LENGTH_OFFSET, length - EthernetHeader.LENGTH - Ipv4Header.LENGTH);
                m++;
            }
        }
        if (m > 0) {
            sent += out.send(send, m);
        }
        received += n;
        return n;
    }

    @Override
    public String roleName() {
        return name;
    }

    /** The forwarding thread (its CPU time is what the benchmark measures). */
    Thread thread() {
        return thread;
    }

    long received() {
        return received;
    }

    long sent() {
        return sent;
    }

    /** Reports the kernel dropped at the report socket (its receive buffer full), -1 when unknown. */
    long kernelDrops() {
        return reports.kernelDrops();
    }

    /** Where reports are sent to. */
    int address() {
        return reportAddress;
    }

    /** The forwarder's channels, as {@link PacketChannel#describe()} says them (which packet path runs). */
    private String describe() {
        return "reports: " + reports.describe() + "; out: " + out.describe();
    }

    int reportPort() {
        return reportPort;
    }

    @Override
    public void close() {
        runner.close(); // returns once the loop has stopped: the sockets and batches have no other user
        reports.close();
        out.close();
        in.close();
        send.close();
    }
}
