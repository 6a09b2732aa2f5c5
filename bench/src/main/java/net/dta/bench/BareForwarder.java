package net.dta.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import net.dta.protocol.Bytes;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;
import net.dta.reporter.Frames;

/**
 * The baseline of the translator-throughput benchmark: the software translator's socket set-up
 * (a {@link UdpPacketChannel} on the report port with the default options, another on
 * {@code address:4791} for what it emits, batches of 64, non-blocking receives and the same
 * spin-yield-park idle loop) and no processing: every report received is copied into one UDP
 * datagram to the destination, sent with sendmmsg after each receive batch. One thread.
 */
final class BareForwarder implements AutoCloseable {
    private static final int BATCH = 64;
    private static final int SPINS = 50;
    private static final int YIELDS = 20;
    private static final long MAX_PARK_NANOS = 500_000;

    private final UdpPacketChannel reports;
    private final UdpPacketChannel out;
    private final PacketBatch in = new PacketBatch(BATCH);
    private final PacketBatch send = new PacketBatch(BATCH);
    private final Thread thread;
    private volatile boolean running = true;
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
        this.thread = new Thread(this::run, "dta-bare-forwarder-" + Ipv4.format(address));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        MemorySegment rx = in.segment();
        MemorySegment tx = send.segment();
        int idle = 0;
        long park = 1_000;
        while (running) {
            int n = reports.receiveNow(in);
            int m = 0;
            for (int i = 0; i < n; i++) {
                int length = in.length(i);
                if (length > Frames.UDP_PAYLOAD_OFFSET) {
                    MemorySegment.copy(rx, in.frameOffset(i) + Frames.UDP_PAYLOAD_OFFSET, tx,
                            send.frameOffset(m) + Frames.UDP_PAYLOAD_OFFSET, length - Frames.UDP_PAYLOAD_OFFSET);
                    send.length(m, length);
                    m++;
                }
            }
            if (m > 0) {
                sent += out.send(send, m);
            }
            received += n;
            if (n > 0) {
                idle = 0;
                park = 1_000;
            } else if (idle < SPINS) {
                idle++;
                Thread.onSpinWait();
            } else if (idle < SPINS + YIELDS) {
                idle++;
                Thread.yield();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(MAX_PARK_NANOS, park * 2);
            }
        }
    }

    Thread thread() {
        return thread;
    }

    long received() {
        return received;
    }

    long sent() {
        return sent;
    }

    int reportPort() {
        return reports.port();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        reports.close();
        out.close();
        in.close();
        send.close();
    }
}
