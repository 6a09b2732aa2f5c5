package net.dta.reporter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import net.dta.protocol.UdpFrame;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.StoreChecks;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;

/**
 * A real UDP receiver for tests: a socket on 127.0.0.1 (any port) and a thread that decodes every
 * datagram as a report and hands it to a consumer (on that thread), or keeps its bytes.
 */
public final class ReportReceiver implements AutoCloseable {
    private final UdpPacketChannel channel;
    private final PacketBatch batch = new PacketBatch(64, 256);
    private final Report report = new Report();
    private final Consumer<Report> consumer;
    private final Thread thread;
    private final List<byte[]> kept = new ArrayList<>();
    private final boolean keep;
    private volatile boolean running = true;
    private volatile long received;
    private volatile long malformed;

    private ReportReceiver(Consumer<Report> consumer, boolean keep) throws IOException {
        this.channel = UdpPacketChannel.open(Ipv4.parse("127.0.0.1"), 0, new ChannelOptions(32 << 20, 4096, 20));
        this.consumer = consumer;
        this.keep = keep;
        this.thread = new Thread(this::loop, "test-receiver");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Decodes every report into {@code consumer} (called on the receiver's thread). */
    public static ReportReceiver decoding(Consumer<Report> consumer) throws IOException {
        return new ReportReceiver(consumer, false);
    }

    /** Keeps the bytes of every datagram. */
    public static ReportReceiver keeping() throws IOException {
        return new ReportReceiver(r -> { }, true);
    }

    private void loop() {
        MemorySegment s = batch.segment();
        while (running) {
            int n = channel.receive(batch);
            for (int i = 0; i < n; i++) {
                long off = batch.frameOffset(i) + UdpFrame.PAYLOAD_OFFSET;
                int len = batch.length(i) - UdpFrame.PAYLOAD_OFFSET;
                if (keep) {
                    synchronized (kept) {
                        kept.add(s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
                report.wrap(s, off, len);
                if (StoreChecks.checkLimits(report) != DropReason.NONE) {
                    malformed++;
                    continue;
                }
                consumer.accept(report);
            }
            received += n;
        }
    }

    public ReporterOptions target() {
        return ReporterOptions.to(Ipv4.parse("127.0.0.1")).withPort(channel.port());
    }

    public String address() {
        return "127.0.0.1:" + channel.port();
    }

    public long received() {
        return received;
    }

    public long malformed() {
        return malformed;
    }

    public List<byte[]> datagrams() {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    /** Waits until {@code count} datagrams arrived (or the timeout passed); returns how many did. */
    public long await(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Anything still in flight on loopback arrives within a few ms.
        Thread.sleep(20);
        return received;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        channel.close();
        batch.close();
    }
}
