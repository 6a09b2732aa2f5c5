package net.dta.bench;

import java.io.IOException;

import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;

/** Receives and counts whatever arrives on {@code address:port} (recvmmsg batches, no processing). */
final class PacketSink implements AutoCloseable {
    private final UdpPacketChannel channel;
    private final PacketBatch batch = new PacketBatch(64, 256);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long packets;

    PacketSink(int address, int port) throws IOException {
        this.channel = UdpPacketChannel.open(address, port, new ChannelOptions(32 << 20, 4096, 20));
        this.thread = new Thread(this::loop, "dta-bench-sink-" + Ipv4.format(address));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            packets += channel.receive(batch);
        }
    }

    long packets() {
        return packets;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        channel.close();
        batch.close();
    }
}
