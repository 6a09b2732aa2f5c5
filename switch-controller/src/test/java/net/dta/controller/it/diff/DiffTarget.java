package net.dta.controller.it.diff;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.P4RuntimeDevice;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.controller.p4runtime.RegisterAccess;
import net.dta.controller.p4runtime.StreamClient;
import net.dta.p4.BinaryStrings;
import net.dta.controller.p4runtime.WriteClient;
import net.dta.deployment.HostPort;
import net.dta.deployment.Pipeline;
import net.dta.deployment.SwitchEndpoint;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.StreamError;
import p4.v1.P4RuntimeOuterClass.Update;

/**
 * One translator under differential test, programmed through the switch controller's own
 * P4Runtime client ({@link P4RuntimeDevice}: arbitration, SetForwardingPipelineConfig, writes,
 * reads; registers through {@link RegisterAccess}, which on BMv2 is its Thrift service as in a
 * deployment). Subclasses move frames: a report in, the RoCEv2 frames out.
 */
public abstract class DiffTarget implements AutoCloseable {
    public static final long DEVICE_ID = 1;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    protected final String name;
    private final P4RuntimeDevice device;
    private final RegisterAccess registers;
    private final LinkedBlockingQueue<PacketIn> packetIns = new LinkedBlockingQueue<>();

    protected DiffTarget(String name, HostPort p4runtime, Pipeline pipeline, byte[] deviceConfig,
                         java.util.function.Function<P4RuntimeDevice, RegisterAccess> registers) throws P4RuntimeException {
        this.name = name;
        this.device = new P4RuntimeDevice("translator", new SwitchEndpoint(name, p4runtime, DEVICE_ID, 10, pipeline, null, null),
                new P4InfoIndex(P4InfoFiles.translatorV1model()), DEADLINE);
        this.registers = registers.apply(device);
        CompletableFuture<StreamClient.Mastership> mastership = new CompletableFuture<>();
        device.stream().open(new StreamClient.Listener() {
            @Override
            public void onMastership(StreamClient.Mastership m) {
                mastership.complete(m);
            }

            @Override
            public void onPacketIn(PacketIn packet) {
                packetIns.add(packet);
            }

            @Override
            public void onStreamError(StreamError error) {
            }

            @Override
            public void onClosed(Status status) {
                mastership.completeExceptionally(new IllegalStateException(name + ": stream closed: " + status));
            }
        });
        try {
            if (!mastership.get(30, TimeUnit.SECONDS).primary()) {
                throw new IllegalStateException(name + ": not primary");
            }
        } catch (Exception e) {
            throw new IllegalStateException(name + ": arbitration failed: " + e.getMessage(), e);
        }
        device.pipeline().set(P4InfoFiles.translatorV1model(), deviceConfig, 42);
    }

    public String name() {
        return name;
    }

    public P4Entities p4() {
        return device.entities();
    }

    /** Table entries and PRE entries as inserts, in order (in writes of at most 64: an error lists each failed update). */
    public void insert(List<Entity> entities) throws P4RuntimeException {
        for (int from = 0; from < entities.size(); from += 64) {
            List<Update> updates = new ArrayList<>();
            for (Entity e : entities.subList(from, Math.min(entities.size(), from + 64))) {
                updates.add(WriteClient.update(Update.Type.INSERT, e));
            }
            device.writer().write(updates);
        }
    }

    public void modify(Entity entity) throws P4RuntimeException {
        device.writer().write(List.of(WriteClient.update(Update.Type.MODIFY, entity)));
    }

    public void writeRegisters(List<Entity> cells) throws P4RuntimeException {
        registers.write(cells);
    }

    public long register(String register, long index) throws P4RuntimeException {
        Entity e = registers.read(List.of(p4().registerQuery(register, index))).get(0);
        return BinaryStrings.decode(e.getRegisterEntry().getData().getBitstring());
    }

    /** The nonzero packet counts of a counter, by index. */
    public java.util.Map<Long, Long> counters(String counter) throws P4RuntimeException {
        java.util.Map<Long, Long> out = new java.util.TreeMap<>();
        for (Entity e : device.reader().read(p4().counterQuery(counter))) {
            long packets = e.getCounterEntry().getData().getPacketCount();
            if (packets != 0) {
                out.put(e.getCounterEntry().getIndex().getIndex(), packets);
            }
        }
        return out;
    }

    /** The PacketIns received so far (taken). */
    public List<PacketIn> takePacketIns(long waitMillis) throws InterruptedException {
        List<PacketIn> out = new ArrayList<>();
        PacketIn first = packetIns.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            packetIns.drainTo(out);
        }
        return out;
    }

    /** Feeds one report (the UDP payload; the target wraps it as it must) and returns the frames it sent. */
    public abstract List<byte[]> report(byte[] payload, int expectedFrames) throws Exception;

    /** Feeds a frame from the collector (an ACK, NAK, READ response) and returns the frames it sent. */
    public abstract List<byte[]> reply(byte[] frame, int expectedFrames) throws Exception;

    /** Lets {@code nanos} pass with no input and returns the frames sent meanwhile (timers). */
    public abstract List<byte[]> idle(long nanos) throws Exception;

    @Override
    public void close() {
        device.close();
    }
}
