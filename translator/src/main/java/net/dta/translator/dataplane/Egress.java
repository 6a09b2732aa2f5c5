package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.protocol.Bytes;
import net.dta.p4.TranslatorP4Names;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.translator.pipeline.RouteAction;

/**
 * The engine's way out: frames are built in place in an output {@link PacketBatch} slot
 * ({@link #claim}), then sent (the slot is committed), handed to the controller as a PacketIn
 * (copied out) or dropped, as a route says; {@link #flush} hands the batch to the {@link FrameSink}.
 */
final class Egress {
    private final EngineState x;
    private final FrameSink sink;
    private final PacketInSink packetIns;
    private final long translatorMac;
    private final PacketBatch out;
    private int count;

    /** @param translatorMac written as destination MAC of received frames sent as PacketIns (sockets do not show MACs) */
    Egress(EngineState x, FrameSink sink, PacketInSink packetIns, long translatorMac, int batchSize) {
        this.x = x;
        this.sink = sink;
        this.packetIns = packetIns;
        this.translatorMac = translatorMac;
        this.out = new PacketBatch(batchSize);
    }

    MemorySegment segment() {
        return out.segment();
    }

    int slotBytes() {
        return out.slotBytes();
    }

    /** The output slot the next frame is built in (flushes a full batch first). */
    long claim() {
        if (count == out.capacity()) {
            flush();
        }
        return out.frameOffset(count);
    }

    /** Sends (commits the slot), hands to the controller, or drops the frame just built at {@code frame}. */
    void send(RouteAction action, long frame, int length, int ingressPort) {
        switch (action) {
            case FORWARD -> {
                out.length(count, length);
                count++;
            }
            case TO_CPU -> {
                x.count(EngineCounter.ROUTE_TO_CPU);
                packetIn(TranslatorP4Names.REASON_TO_CPU, ingressPort, out.segment(), frame, length, false);
            }
            default -> {
                x.count(EngineCounter.ROUTE_DROPS);
                if (x.logOnce.pending(EngineState.LOG_ROUTE)) {
                    x.logOnce.warn(EngineState.LOG_ROUTE, "a packet to {} was dropped by ipv4_routes ({}): write a route that "
                            + "forwards to port 1", Ipv4.format(out.segment().get(Bytes.U32, frame + 30)),
                            action == RouteAction.NO_SUCH_PORT ? "a port the software translator does not have" : "no route or drop");
                }
            }
        }
    }

    /** Hands the frames built so far to the sink. */
    void flush() {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0;
        int sent = sink.send(out, n);
        x.count(EngineCounter.REQUESTS_SENT, sent);
        if (sent < n) {
            x.count(EngineCounter.SEND_FAILURES, n - sent);
            if (x.logOnce.pending(EngineState.LOG_SEND)) {
                x.logOnce.warn(EngineState.LOG_SEND, "the socket accepted {} of {} frames", sent, n);
            }
        }
    }

    /** A copy of the frame to the controller (control path: allocates). */
    void packetIn(int reason, int ingressPort, MemorySegment s, long frame, int length, boolean received) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, frame, bytes, 0, length);
        if (received && translatorMac != 0) {
            // Sockets do not show MACs: the frame was addressed to the translator.
            MemorySegment.ofArray(bytes).set(Bytes.U32, 0, (int) (translatorMac >>> 16));
            MemorySegment.ofArray(bytes).set(Bytes.U16, 4, (short) translatorMac);
        }
        if (packetIns.packetIn(reason, bytes, ingressPort)) {
            x.count(EngineCounter.PACKET_IN_SENT);
        } else {
            x.count(EngineCounter.PACKET_IN_DROPPED);
        }
    }

    /** Forgets the frames built and not flushed (a new pipeline). */
    void discard() {
        count = 0;
    }

    void close() {
        out.close();
    }
}
