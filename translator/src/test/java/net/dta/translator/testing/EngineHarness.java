package net.dta.translator.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import net.dta.rdma.net.PacketBatch;
import net.dta.translator.dataplane.Engine;
import net.dta.translator.p4runtime.P4RuntimeServer;
import net.dta.translator.p4runtime.P4RuntimeService;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.Schema;

/**
 * The translator's engine without sockets, programmed through its real P4Runtime server
 * (in-process gRPC) by a {@link TestController}, with a manual clock and the frames it sends
 * captured: for byte-exact checks of what it emits, including to addresses no test may send to
 * (the 10.0.0.x of protocol.md's vectors).
 */
public final class EngineHarness implements AutoCloseable {
    private static int servers;

    public final Pipeline pipeline;
    public final P4RuntimeService service;
    public final Engine engine;
    public final TestController controller;
    public final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final P4RuntimeServer server;
    private final List<byte[]> frames = new ArrayList<>();
    private final List<byte[]> packetOuts = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment input = arena.allocate(8192, 8);

    public EngineHarness() throws IOException, InterruptedException {
        this(65536);
    }

    public EngineHarness(int postcardCache) throws IOException, InterruptedException {
        pipeline = new Pipeline(Schema.shipped(), 65536, -1);
        service = new P4RuntimeService(TestController.DEVICE_ID, pipeline, (frame, port) -> {
            packetOuts.add(frame);
            return true;
        });
        String name = "engine-harness-" + (++servers) + "-" + System.nanoTime();
        server = P4RuntimeServer.inProcess(service, name);
        engine = new Engine(pipeline, this::capture, service, true, false, 0x020000000001L, postcardCache, 64, clock::get);
        controller = TestController.inProcess(name, 10);
        controller.arbitrate();
        controller.setPipeline();
    }

    private int capture(PacketBatch batch, int count) {
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[batch.length(i)];
            MemorySegment.copy(batch.segment(), ValueLayout.JAVA_BYTE, batch.frameOffset(i), b, 0, b.length);
            frames.add(b);
        }
        return count;
    }

    /** Feeds one report (its UDP payload) and returns the frames sent because of it. */
    public List<byte[]> report(byte[] report) {
        MemorySegment.copy(report, 0, input, ValueLayout.JAVA_BYTE, 0, report.length);
        engine.refresh();
        engine.report(input, 0, report.length);
        engine.flush();
        return take();
    }

    /** Feeds one received RoCEv2 frame. */
    public List<byte[]> roce(byte[] frame) {
        MemorySegment.copy(frame, 0, input, ValueLayout.JAVA_BYTE, 0, frame.length);
        engine.refresh();
        engine.roce(input, 0, frame.length);
        engine.flush();
        return take();
    }

    /** Advances the clock and runs the timers. */
    public List<byte[]> advance(long nanos) {
        clock.addAndGet(nanos);
        engine.refresh();
        engine.tick();
        engine.flush();
        return take();
    }

    public List<byte[]> take() {
        List<byte[]> out = new ArrayList<>(frames);
        frames.clear();
        return out;
    }

    /** PacketOuts the service handed to the data plane. */
    public List<byte[]> packetOuts() {
        return packetOuts;
    }

    @Override
    public void close() {
        controller.close();
        server.close();
        service.close();
        engine.close();
        arena.close();
    }
}
