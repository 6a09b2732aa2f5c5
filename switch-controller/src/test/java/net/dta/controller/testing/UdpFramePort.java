package net.dta.controller.testing;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.controller.cm.FramePort;
import net.dta.controller.cm.FrameRouter;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;

/**
 * The translator's data plane reduced to a UDP socket on the translator's address and port 4791,
 * for testing the connection code against a real software collector before (and apart from) a
 * translator: frames go out as datagrams, datagrams come back as frames to a {@link FrameRouter}.
 */
public final class UdpFramePort implements FramePort, AutoCloseable {
    private final UdpPacketChannel channel;
    private final PacketBatch out = new PacketBatch(1);
    private final PacketBatch in = new PacketBatch(64);
    private final Thread receiver;
    private volatile boolean running = true;

    public UdpFramePort(String address, FrameRouter router) throws IOException {
        this.channel = UdpPacketChannel.open(Ipv4.parse(address), 4791, ChannelOptions.DEFAULT);
        this.receiver = Thread.ofPlatform().daemon().name("test-udp-port").start(() -> {
            while (running) {
                int n = channel.receive(in);
                for (int i = 0; i < n; i++) {
                    byte[] f = new byte[in.length(i)];
                    MemorySegment.copy(in.segment(), ValueLayout.JAVA_BYTE, in.frameOffset(i), f, 0, f.length);
                    router.deliver(f);
                }
            }
        });
    }

    @Override
    public synchronized void send(byte[] frame) throws IOException {
        MemorySegment.copy(frame, 0, out.segment(), ValueLayout.JAVA_BYTE, out.frameOffset(0), frame.length);
        out.length(0, frame.length);
        if (channel.send(out, 1) != 1) {
            throw new IOException("UDP send failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        receiver.join(2000);
        channel.close();
        out.close();
        in.close();
    }
}
