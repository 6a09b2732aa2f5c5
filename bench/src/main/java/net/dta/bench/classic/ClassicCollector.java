package net.dta.bench.classic;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import net.dta.protocol.UdpFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.StoreChecks;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;
import net.dta.packetio.status.CounterArray;
import net.dta.packetio.status.LogOnce;
import net.dta.reporter.Primitive;

/**
 * The collector DTA exists to replace: it receives every report itself over UDP, parses it and
 * updates its stores on its own CPU. Used as the baseline of the collector-CPU benchmark, with the
 * same socket set-up as the translator's report port (recvmmsg batches of 64 on a
 * {@link UdpPacketChannel}) and the same checks (protocol.md 2.5), writing either the DTA store
 * files ({@link StoreFileSink}) or Chronicle Maps ({@link ChronicleSink}).
 *
 * <p>One thread ({@code dta-classic-<address>}) does everything: receive, parse, check, update; it
 * is the only writer of the stores and counters. No allocation per report.
 */
public final class ClassicCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicCollector.class);
    private static final int BATCH = 64;
    /** Counter indices: applied reports per primitive, then drops per reason code. */
    private static final int APPLIED = 0;
    private static final int DROPPED = Primitive.values().length;
    private static final int RECEIVED = DROPPED + DropReason.COUNTER_SLOTS;

    private final UdpPacketChannel channel;
    private final ReportSink sink;
    private final PacketBatch batch = new PacketBatch(BATCH, 256);
    private final Report report = new Report();
    private final CounterArray counters = new CounterArray(RECEIVED + 1);
    private final LogOnce logOnce = new LogOnce(LOG, DropReason.COUNTER_SLOTS);
    private final Thread thread;
    private volatile boolean running = true;

    private ClassicCollector(UdpPacketChannel channel, ReportSink sink) {
        this.channel = channel;
        this.sink = sink;
        this.thread = new Thread(this::loop, "dta-classic-" + Ipv4.format(channel.localAddress()));
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code address:port} (port 0: any free port) and starts the receive thread. The sink
     * belongs to the collector from now on: {@link #close()} closes it.
     */
    public static ClassicCollector start(int address, int port, ReportSink sink, ChannelOptions options) throws IOException {
        UdpPacketChannel channel = UdpPacketChannel.open(address, port, options);
        ClassicCollector c = new ClassicCollector(channel, sink);
        c.thread.start();
        LOG.info("classic collector on {}:{} into {}", Ipv4.format(address), channel.port(), sink.describe());
        return c;
    }

    private void loop() {
        MemorySegment s = batch.segment();
        while (running) {
            int n = channel.receive(batch);
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int length = batch.length(i) - UdpFrame.PAYLOAD_OFFSET;
                if (length >= 0) {
                    handle(s, batch.frameOffset(i) + UdpFrame.PAYLOAD_OFFSET, length, now);
                }
            }
            counters.add(RECEIVED, n);
            sink.idle(now);
        }
    }

    private void handle(MemorySegment s, long offset, int length, long now) {
        report.wrap(s, offset, length);
        DropReason why = report.checkHeader();
        StoreDefinition store = null;
        if (why == DropReason.NONE) {
            store = sink.store(report.storeId());
            why = StoreChecks.check(report, store == null ? null : store.layout());
        }
        if (why != DropReason.NONE) {
            counters.increment(DROPPED + why.code());
            if (logOnce.pending(why.code())) {
                logOnce.warn(why.code(), "dropped a report: {} (opcode {}, store {})", why.label(), report.opcode(),
                        length >= Report.BASE_LENGTH ? report.storeId() : -1);
            }
            return;
        }
        sink.apply(report, store, now);
        counters.increment(APPLIED + report.opcode() - 1);
    }

    /** Datagrams received (any content). */
    public long received() {
        return counters.get(RECEIVED);
    }

    /** Reports applied to the stores, of one primitive. */
    public long applied(Primitive p) {
        return counters.get(APPLIED + p.ordinal());
    }

    public long applied() {
        long sum = 0;
        for (Primitive p : Primitive.values()) {
            sum += applied(p);
        }
        return sum;
    }

    public long dropped(DropReason reason) {
        return counters.get(DROPPED + reason.code());
    }

    public long postcardRows() {
        return sink.postcardRows();
    }

    /** The receive thread (for CPU-time measurements). */
    public Thread thread() {
        return thread;
    }

    public int port() {
        return channel.port();
    }

    public String describe() {
        return "classic collector on " + Ipv4.format(channel.localAddress()) + ":" + channel.port() + " into " + sink.describe();
    }

    /** Stops the thread, writes cached postcard rows, closes the socket and the sink. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } finally {
            channel.close();
            batch.close();
        }
    }
}
