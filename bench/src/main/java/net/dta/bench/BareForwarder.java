package net.dta.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;
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
 * agent.
 */
final class BareForwarder implements Agent, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BareForwarder.class);
    private static final int BATCH = 64;
    /** The translator data plane's idle loop: 50 spins, 20 yields, then parks from 1 µs doubling to 0.5 ms. */
    private static final long SPINS = 50;
    private static final long YIELDS = 20;
    private static final long MIN_PARK_NANOS = 1_000;
    private static final long MAX_PARK_NANOS = 500_000;

    private final UdpPacketChannel reports;
    private final UdpPacketChannel out;
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
        this.reports = UdpPacketChannel.open(address, reportPort, ChannelOptions.DEFAULT);
        this.out = UdpPacketChannel.open(address, 4791, ChannelOptions.DEFAULT);
        MemorySegment s = send.segment();
        for (int i = 0; i < BATCH; i++) {
            Bytes.u32(s, send.frameOffset(i) + Frames.IPV4_DESTINATION_OFFSET, destination & 0xFFFF_FFFFL);
            Bytes.u16(s, send.frameOffset(i) + Frames.UDP_DESTINATION_PORT_OFFSET, 4791);
        }
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

    int reportPort() {
        return reports.port();
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
