package net.dta.translator.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import net.dta.packetio.PacketBatch;
import net.dta.translator.dataplane.Engine;
import net.dta.translator.dataplane.RequesterSettings;
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

    /** The collector index of protocol.md 10's vectors. */
    public static final int C = 3;
    public static final int TRANSLATOR = net.dta.packetio.Ipv4.parse("10.0.0.1");
    public static final int COLLECTOR = net.dta.packetio.Ipv4.parse("10.0.0.2");
    public static final long VA = 0x00007F0000000000L;
    public static final int RKEY = 0x1234;

    /**
     * A harness programmed with the state of protocol.md section 10: the five stores (Append batch
     * 2, tails from 0), collector 3 for every bucket, its queue pair (up, next PSN as given) and
     * regions, a route to it, and the translator's address as local.
     */
    public static EngineHarness withVectorState(int nextPsn, int postcardCache) throws Exception {
        return withVectorState(nextPsn, postcardCache, RequesterSettings.DEFAULT);
    }

    /** The same, with a requester class of its own (a switch requester rewinds, as the P4 programs do). */
    public static EngineHarness withVectorState(int nextPsn, int postcardCache, RequesterSettings requester) throws Exception {
        EngineHarness h = new EngineHarness(postcardCache, requester);
        TestController c = h.controller;
        java.util.List<net.dta.protocol.layout.StoreDefinition> stores = java.util.List.of(
                new net.dta.protocol.layout.StoreDefinition(1, "queue-depth", new net.dta.protocol.layout.KeyWriteLayout(10, 8, 2), false),
                new net.dta.protocol.layout.StoreDefinition(2, "flow-bytes",
                        new net.dta.protocol.layout.CounterLayout(net.dta.protocol.layout.StoreKind.KEY_INCREMENT, 2, 10), false),
                new net.dta.protocol.layout.StoreDefinition(3, "paths", new net.dta.protocol.layout.PostcardLayout(8, 5), false),
                new net.dta.protocol.layout.StoreDefinition(4, "drops", new net.dta.protocol.layout.AppendLayout(4, 4), false),
                new net.dta.protocol.layout.StoreDefinition(5, "heavy-hitters",
                        new net.dta.protocol.layout.CounterLayout(net.dta.protocol.layout.StoreKind.SKETCH, 2, 10), false));
        List<p4.v1.P4RuntimeOuterClass.Update> updates = new ArrayList<>();
        for (net.dta.protocol.layout.StoreDefinition d : stores) {
            updates.add(c.store(d, 2, 0));
            updates.addAll(c.buckets(d.storeId(), C));
            updates.add(c.region(C, d.storeId(), 0, VA, RKEY));
        }
        updates.add(c.queuePair(C, COLLECTOR, TRANSLATOR, 0x11));
        updates.add(c.route(COLLECTOR, 32, 0x020000000001L, 0x020000000002L));
        updates.add(c.localAddress(TRANSLATOR));
        updates.add(c.register(net.dta.p4.TranslatorP4Names.REG_NEXT_PSN, C, nextPsn));
        updates.add(c.register(net.dta.p4.TranslatorP4Names.REG_LAST_ACKED_PSN, C, (nextPsn - 1) & 0xFFFFFF));
        updates.add(c.register(net.dta.p4.TranslatorP4Names.REG_QP_UP, C, 1));
        c.write(updates);
        return h;
    }

    public EngineHarness() throws IOException, InterruptedException {
        this(65536);
    }

    public EngineHarness(int postcardCache) throws IOException, InterruptedException {
        this(postcardCache, RequesterSettings.DEFAULT);
    }

    public EngineHarness(int postcardCache, RequesterSettings requester) throws IOException, InterruptedException {
        pipeline = new Pipeline(Schema.shipped(), 65536, -1);
        service = new P4RuntimeService(TestController.DEVICE_ID, pipeline, (frame, port) -> {
            packetOuts.add(frame);
            return true;
        });
        String name = "engine-harness-" + (++servers) + "-" + System.nanoTime();
        server = P4RuntimeServer.inProcess(service, name);
        engine = new Engine(pipeline, this::capture, service, true, false, 0x020000000001L, postcardCache, 64, requester, clock::get);
        controller = TestController.inProcess(name, 10);
        controller.arbitrate();
        controller.setPipeline();
    }

    /** False: frames are counted, not copied (for allocation and speed measurements). */
    public volatile boolean capture = true;
    public long framesSent;

    private int capture(PacketBatch batch, int count) {
        framesSent += count;
        for (int i = 0; capture && i < count; i++) {
            byte[] b = new byte[batch.length(i)];
            MemorySegment.copy(batch.segment(), ValueLayout.JAVA_BYTE, batch.frameOffset(i), b, 0, b.length);
            frames.add(b);
        }
        return count;
    }

    /** Feeds one report (its UDP payload) without flushing or collecting: for loops that measure. */
    public void feed(MemorySegment report, int length) {
        engine.refresh();
        engine.report(report, 0, length);
    }

    /** Feeds one report (its UDP payload) and returns the frames sent because of it. */
    public List<byte[]> report(byte[] report) {
        MemorySegment.copy(report, 0, input, ValueLayout.JAVA_BYTE, 0, report.length);
        engine.refresh();
        engine.report(input, 0, report.length);
        engine.flush();
        return take();
    }

    /** Feeds one received RoCEv2 frame without flushing or collecting: for loops that measure. */
    public void feedRoce(MemorySegment frame, int length) {
        engine.refresh();
        engine.roce(frame, 0, length);
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
