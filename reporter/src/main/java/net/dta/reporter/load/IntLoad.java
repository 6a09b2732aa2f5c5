package net.dta.reporter.load;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import net.dta.protocol.Bytes;
import net.dta.protocol.UdpFrame;
import net.dta.protocol.telemetry.IntFlow;
import net.dta.protocol.telemetry.IntHops;
import net.dta.protocol.telemetry.IntReportWriter;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;
import net.dta.reporter.Frames;
import net.dta.reporter.ReporterOptions;

/**
 * {@code reporter load --format int}: Telemetry Report v2.0 datagrams (docs/int.md) at a target
 * rate, one individual report each, as a network of INT switches would send them to the
 * translator's INT port: INT-MD sink reports of flows whose paths have a fixed number of hops drawn
 * per flow (1-6 by default), with per-hop hop latency and queue metadata; drop reports; queue
 * reports. One thread; batches of datagrams per sendmmsg; nothing allocated per datagram.
 */
public final class IntLoad implements AutoCloseable {
    private static final int SLOT_BYTES = 512;

    /**
     * @param rate       datagrams per second, 0 = as fast as possible
     * @param duration   how long, or null (then {@code count})
     * @param count      datagrams, Long.MAX_VALUE = until the duration ends
     * @param flows      distinct flows of the sink reports
     * @param dropShare  fraction of datagrams that are drop reports (the same again for queue reports)
     */
    public record Spec(ReporterOptions target, double rate, Duration duration, long count, long flows, int minHops, int maxHops,
                       int intUdpPort, double dropShare, long seed) {
        public Spec {
            if (minHops < 1 || maxHops > 8 || minHops > maxHops) {
                throw new IllegalArgumentException("path-length: INT paths are 1..8 hops (MIN <= MAX), got " + minHops + "-" + maxHops);
            }
            if (duration == null && count == Long.MAX_VALUE) {
                throw new IllegalArgumentException("give --duration or --count");
            }
        }
    }

    /** What was sent. */
    public record Result(long datagrams, long sinkReports, long hops, long dropReports, long queueReports, long sendErrors,
                         double seconds) {
        public double rate() {
            return seconds > 0 ? datagrams / seconds : 0;
        }
    }

    private final Spec spec;
    private final UdpPacketChannel channel;
    private final PacketBatch batch;
    private final MemorySegment frames;
    private final SplittableRandom random;
    private final IntFlow flow = new IntFlow();
    private final IntHops hops = new IntHops();
    private volatile boolean stop;
    private long datagrams;
    private long sinkReports;
    private long hopCount;
    private long dropReports;
    private long queueReports;
    private long sendErrors;
    private int pending;

    private IntLoad(Spec spec, UdpPacketChannel channel) {
        this.spec = spec;
        this.channel = channel;
        this.batch = new PacketBatch(spec.target().batchSize(), SLOT_BYTES);
        this.frames = batch.segment();
        this.random = new SplittableRandom(spec.seed());
        for (int i = 0; i < batch.capacity(); i++) {
            long frame = batch.frameOffset(i);
            Bytes.u32(frames, frame + Frames.IPV4_DESTINATION_OFFSET, spec.target().destination() & 0xFFFF_FFFFL);
            Bytes.u16(frames, frame + Frames.UDP_DESTINATION_PORT_OFFSET, spec.target().port());
        }
    }

    public static IntLoad open(Spec spec) throws IOException {
        ReporterOptions t = spec.target();
        return new IntLoad(spec, UdpPacketChannel.open(t.bindAddress(), 0, new ChannelOptions(4096, t.sendBufferBytes(), 100)));
    }

    /** Ends {@link #run} early (Ctrl-C); the summary still prints. */
    public void stop() {
        stop = true;
    }

    /** Sends until the duration or count is reached; {@code progress} gets a line every {@code interval}. */
    public Result run(Consumer<String> progress, Duration interval) {
        long start = System.nanoTime();
        long end = spec.duration() == null ? Long.MAX_VALUE : start + spec.duration().toNanos();
        RateSchedule schedule = new RateSchedule(spec.rate(), Math.max(batch.capacity(), (long) (spec.rate() / 100)));
        schedule.start(start);
        long nextProgress = start + interval.toNanos();
        long lastCount = 0;
        long lastTime = start;
        while (!stop && datagrams + pending < spec.count()) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = schedule.unlimited() ? batch.capacity() : schedule.available(now);
            due = Math.min(due, spec.count() - datagrams - pending);
            for (long i = 0; i < due; i++) {
                one();
            }
            schedule.issued(due);
            if (due == 0) {
                flush();
                long wait = schedule.dueTime(0) - System.nanoTime();
                if (wait > 20_000) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 1_000_000));
                }
            }
            if (now >= nextProgress) {
                flush();
                double secs = (now - lastTime) / 1e9;
                progress.accept(String.format("%6.0fs  sent %,12d datagrams  %,10.0f/s", (now - start) / 1e9, datagrams,
                        (datagrams - lastCount) / secs));
                lastCount = datagrams;
                lastTime = now;
                nextProgress += interval.toNanos();
            }
        }
        flush();
        return new Result(datagrams, sinkReports, hopCount, dropReports, queueReports, sendErrors,
                (System.nanoTime() - start) / 1e9);
    }

    /** Writes one datagram into the batch (sending the batch when full). */
    private void one() {
        long frame = batch.frameOffset(pending);
        long p = frame + UdpFrame.PAYLOAD_OFFSET;
        double kind = random.nextDouble();
        long flowId = random.nextLong(spec.flows());
        flow(flowId);
        int n;
        if (kind < spec.dropShare()) {
            int node = 1 + random.nextInt(64);
            n = IntReportWriter.groupHeader(frames, p, 0, (int) datagrams, node);
            // p4lang/switch drop reason codes are small integers; any 1..255 is valid on the wire.
            n += IntReportWriter.dropReport(frames, p + n, flow, random.nextInt(8), 1 + random.nextInt(255));
            dropReports++;
        } else if (kind < 2 * spec.dropShare()) {
            int node = 1 + random.nextInt(64);
            n = IntReportWriter.groupHeader(frames, p, 0, (int) datagrams, node);
            n += IntReportWriter.queueReport(frames, p + n, flow, random.nextInt(8), random.nextInt(1 << 20));
            queueReports++;
        } else {
            // A flow's path is fixed by its id: its hop count and switches; latencies and queues vary per packet.
            int range = spec.maxHops() - spec.minHops() + 1;
            int count = spec.minHops() + (int) Long.remainderUnsigned(flowId * 0x9E3779B97F4A7C15L >>> 32, range);
            hops.count = 0;
            for (int h = 0; h < count; h++) {
                int node = 1 + (int) ((flowId * 31 + h * 17) % 250);
                hops.hop(h, node, 300 + random.nextInt(5000), random.nextInt(8), random.nextInt(1 << 16));
            }
            n = IntReportWriter.groupHeader(frames, p, 0, (int) datagrams, hops.nodeId[count - 1]);
            n += IntReportWriter.mdSinkReport(frames, p + n, flow, spec.intUdpPort(), hops);
            sinkReports++;
            hopCount += count;
        }
        batch.length(pending, UdpFrame.PAYLOAD_OFFSET + n);
        pending++;
        if (pending == batch.capacity()) {
            flush();
        }
    }

    private void flow(long id) {
        int srcIp = 0x0A01_0000 | (int) (id & 0xFFFF);
        int dstIp = 0x0A02_0000 | (int) ((id >>> 16) & 0xFFFF) ^ (int) (id * 7 & 0xFF);
        flow.set(srcIp, dstIp, 1024 + (int) (id % 60000), (id & 1) == 0 ? 443 : 80, (id % 5) == 0 ? IntFlow.UDP : IntFlow.TCP);
        flow.ttl = 64;
        flow.payloadBytes = 64 + random.nextInt(1400);
    }

    private void flush() {
        if (pending == 0) {
            return;
        }
        int accepted = channel.send(batch, pending);
        sendErrors += pending - accepted;
        datagrams += pending;
        pending = 0;
    }

    @Override
    public void close() {
        channel.close();
        batch.close();
    }
}
