package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.protocol.Bytes;
import net.dta.p4.TranslatorP4Names;
import net.dta.packetio.wire.EthernetHeader;
import net.dta.translator.pipeline.Route;
import net.dta.translator.pipeline.RouteAction;

/**
 * PacketOuts from the controller (translator-control.md 3): egress port 0 routes a frame by its
 * IPv4 destination through {@code ipv4_routes}, port 1 sends it unchanged; what the sockets cannot
 * send is dropped, counted and logged once.
 */
final class PacketOutRouter {
    private final EngineState x;
    private final Egress egress;
    private final boolean udpMode;
    private final EthernetHeader ethernet = new EthernetHeader();

    /** @param udpMode frames leave through a UDP socket (PacketOuts must then be UDP) */
    PacketOutRouter(EngineState x, Egress egress, boolean udpMode) {
        this.x = x;
        this.egress = egress;
        this.udpMode = udpMode;
    }

    void packetOut(byte[] frame, int egressPort) {
        x.count(EngineCounter.PACKET_OUT_RECEIVED);
        if (frame.length < EthernetHeader.LENGTH || frame.length > egress.slotBytes()) {
            dropped("a frame of " + frame.length + " bytes (14.." + egress.slotBytes() + " can be sent)");
            return;
        }
        long at = egress.claim();
        MemorySegment seg = egress.segment();
        MemorySegment.copy(frame, 0, seg, ValueLayout.JAVA_BYTE, at, frame.length);
        boolean ipv4 = frame.length >= EthernetHeader.LENGTH + 20
                && Bytes.u16(seg, at + EthernetHeader.ETHER_TYPE_OFFSET) == EthernetHeader.ETHER_TYPE_IPV4;
        RouteAction action;
        if (egressPort == 0) {
            if (!ipv4) {
                dropped("egress port 0 (route it) with a frame that is not IPv4");
                return;
            }
            Route route = x.t.route(seg.get(Bytes.U32, at + EthernetHeader.LENGTH + 16));
            action = route.action();
            if (action == RouteAction.FORWARD) {
                ethernet.wrap(seg, at).destination(route.destinationMac()).source(route.sourceMac());
            }
        } else if (egressPort == TranslatorP4Names.NETWORK_PORT) {
            action = RouteAction.FORWARD;
        } else {
            dropped("egress port " + egressPort + " (the software translator has port 1, and 0 to route)");
            return;
        }
        if (action == RouteAction.FORWARD && !sendable(seg, at, frame.length, ipv4)) {
            return;
        }
        if (action == RouteAction.FORWARD) {
            x.count(EngineCounter.PACKET_OUT_SENT);
        }
        egress.send(action, at, frame.length, TranslatorP4Names.CPU_PORT);
    }

    /** Whether the sockets can send the frame: raw mode sends IPv4, UDP mode only UDP over IPv4 without options. */
    private boolean sendable(MemorySegment seg, long at, int length, boolean ipv4) {
        if (!ipv4) {
            dropped("a frame that is not IPv4 (the translator's raw socket sends IPv4 only)");
            return false;
        }
        if (udpMode) {
            long ip = at + EthernetHeader.LENGTH;
            boolean udp = Bytes.u8(seg, ip) == 0x45 && Bytes.u8(seg, ip + 9) == 17 && (Bytes.u16(seg, ip + 6) & 0x3FFF) == 0
                    && length >= EthernetHeader.LENGTH + 28;
            if (!udp) {
                dropped("a frame that is not unfragmented UDP over IPv4 without options (UDP mode sends UDP payloads only)");
                return false;
            }
        }
        return true;
    }

    private void dropped(String why) {
        x.count(EngineCounter.PACKET_OUT_DROPPED);
        if (x.logOnce.pending(EngineState.LOG_PACKET_OUT)) {
            x.logOnce.warn(EngineState.LOG_PACKET_OUT, "dropped a PacketOut: {}", why);
        }
    }
}
