package net.dta.controller.it.diff;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import net.dta.controller.p4runtime.RegisterAccess;
import net.dta.common.config.HostPort;
import net.dta.deployment.Pipeline;
import net.dta.packetio.PacketBatch;
import net.dta.translator.dataplane.Engine;
import net.dta.translator.p4runtime.P4RuntimeServer;
import net.dta.translator.p4runtime.P4RuntimeService;
import net.dta.translator.pipeline.Schema;

/**
 * The software translator's engine and its real P4Runtime server (TCP on loopback), with a manual
 * clock: time moves only in {@link #idle}, which also runs the timers, so its timed flushes and
 * probes happen at a known point of the sequence. Frames it sends are captured, not put on a wire.
 */
public final class SoftwareDiffTarget extends DiffTarget {
    private final Parts parts;

    private record Parts(net.dta.translator.pipeline.Pipeline pipeline, P4RuntimeService service, P4RuntimeServer server,
                         Engine engine, AtomicLong clock, List<byte[]> frames, Arena arena, MemorySegment input) {
    }

    private SoftwareDiffTarget(Parts parts) throws Exception {
        super("software", new HostPort("127.0.0.1", parts.server.address().getPort()), Pipeline.SOFTWARE, new byte[0],
                RegisterAccess::p4runtime);
        this.parts = parts;
    }

    public static SoftwareDiffTarget start(long translatorMac) throws Exception {
        var pipeline = new net.dta.translator.pipeline.Pipeline(Schema.shipped(), 65536, -1);
        var service = new P4RuntimeService(DEVICE_ID, pipeline, (frame, port) -> true);
        var server = P4RuntimeServer.listen(service, "127.0.0.1", 0);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<byte[]> frames = new ArrayList<>();
        Engine engine = new Engine(pipeline, (PacketBatch batch, int count) -> {
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[batch.length(i)];
                MemorySegment.copy(batch.segment(), ValueLayout.JAVA_BYTE, batch.frameOffset(i), b, 0, b.length);
                frames.add(b);
            }
            return count;
        }, service, true, false, translatorMac, 65536, 64,
                // A switch requester, as the P4 programs (protocol.md 5.6): the software translator's default
                // retransmits (DiffExpectations.SOFTWARE_RETRANSMITS_ON_NAK) and sends PSN queries; a window no test fills.
                new net.dta.translator.dataplane.RequesterSettings(false, 1 << 16, 1_000_000), clock::get);
        Arena arena = Arena.ofShared();
        Parts parts = new Parts(pipeline, service, server, engine, clock, frames, arena, arena.allocate(8192, 8));
        try {
            return new SoftwareDiffTarget(parts);
        } catch (Exception | Error e) {
            close(parts);
            throw e;
        }
    }

    @Override
    public List<byte[]> report(byte[] payload, int expectedFrames) {
        MemorySegment.copy(payload, 0, parts.input, ValueLayout.JAVA_BYTE, 0, payload.length);
        parts.engine.refresh();
        parts.engine.report(parts.input, 0, payload.length);
        return flushed();
    }

    @Override
    public List<byte[]> reply(byte[] frame, int expectedFrames) {
        MemorySegment.copy(frame, 0, parts.input, ValueLayout.JAVA_BYTE, 0, frame.length);
        parts.engine.refresh();
        parts.engine.roce(parts.input, 0, frame.length);
        return flushed();
    }

    @Override
    public List<byte[]> idle(long nanos) {
        parts.clock.addAndGet(nanos);
        parts.engine.refresh();
        parts.engine.tick();
        return flushed();
    }

    private List<byte[]> flushed() {
        parts.engine.flush();
        List<byte[]> out = new ArrayList<>(parts.frames);
        parts.frames.clear();
        return out;
    }

    @Override
    public void close() {
        super.close();
        close(parts);
    }

    private static void close(Parts p) {
        p.server.close();
        p.service.close();
        p.engine.close();
        p.arena.close();
    }
}
