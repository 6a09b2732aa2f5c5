package net.dta.translator.dataplane;

import java.lang.foreign.MemorySegment;

import net.dta.p4.TranslatorP4Names;
import net.dta.packetio.Ipv4;
import net.dta.packetio.status.CounterArray;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.translator.pipeline.Tables;

/**
 * RoCEv2 frames to the translator (translator-control.md 1, 3; protocol.md 5.6): parsed and
 * checked, then replies of a queue pair's collector go to the {@link Requester}, and CM MADs,
 * unknown queue pairs and the controller's own READ responses to the controller as PacketIns.
 */
final class RoceIngress {
    private final EngineState x;
    private final Requester requester;
    private final Egress egress;
    private final boolean verifyIcrc;
    private final RocePacket packet = new RocePacket();
    private final CounterArray malformed = new CounterArray(MalformedReason.values().length);

    /** @param verifyIcrc whether received frames carry the transmitted IPv4 header (raw mode) */
    RoceIngress(EngineState x, Requester requester, Egress egress, boolean verifyIcrc) {
        this.x = x;
        this.requester = requester;
        this.egress = egress;
        this.verifyIcrc = verifyIcrc;
    }

    long malformed(MalformedReason reason) {
        return malformed.get(reason.ordinal());
    }

    /** One frame from the RoCEv2 socket. */
    void receive(MemorySegment s, long frame, int length) {
        // In small steps, each below C2's FreqInlineSize (docs/performance.md, "The slow mode"):
        // this is the per-reply path (an ACK per 64 requests, an ATOMIC ACK per FETCH_ADD).
        x.count(EngineCounter.ROCE_RECEIVED);
        MalformedReason m = packet.parse(s, frame, length, verifyIcrc);
        if (m != MalformedReason.OK) {
            dropMalformed(m);
            return;
        }
        Tables t = x.t;
        int destination = packet.ip().destination();
        if (!t.isLocal(destination)) {
            dropNotLocal(destination);
            return;
        }
        int op = packet.opcode().code();
        int qpn = packet.bth().destQp();
        if (op == RoceOpcode.UD_SEND_ONLY && qpn == 1) {
            egress.packetIn(TranslatorP4Names.REASON_CM_MAD, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            return;
        }
        int c = qpn & 0xFF;
        if ((qpn >>> 8) != 1 || t.queuePair(c) == null) {
            egress.packetIn(TranslatorP4Names.REASON_UNKNOWN_QUEUE_PAIR, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
            return;
        }
        if (packet.ip().source() != t.queuePair(c).collectorIp()) {
            // Replies count only from the queue pair's collector (protocol.md 5.6): a spoofed NAK
            // must not rewind the PSN, a spoofed READ response must not keep a dead queue pair alive.
            ignoreWrongSource(qpn);
            return;
        }
        fromCollector(c, op, s, frame, length);
    }

    /** A frame of queue pair c's collector: a reply to the requester, a READ response, or anything else to the controller. */
    private void fromCollector(int c, int op, MemorySegment s, long frame, int length) {
        if (op == RoceOpcode.RC_ACKNOWLEDGE || op == RoceOpcode.RC_ATOMIC_ACKNOWLEDGE) {
            requester.reply(c, op, packet.bth().psn(), packet.aeth().syndrome(), packet.opcode().name(), s, frame, length);
        } else if (op >= RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST && op <= RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY) {
            readResponse(c, op, s, frame, length);
        } else {
            egress.packetIn(TranslatorP4Names.REASON_TO_CPU, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
        }
    }

    private void dropMalformed(MalformedReason m) {
        malformed.increment(m.ordinal());
        x.count(m == MalformedReason.BAD_ICRC ? EngineCounter.ROCE_BAD_ICRC : EngineCounter.ROCE_MALFORMED);
        if (x.logOnce.pending(EngineState.LOG_MALFORMED)) {
            x.logOnce.warn(EngineState.LOG_MALFORMED, "dropped a RoCEv2 packet to the translator: {}", m.label());
        }
    }

    private void dropNotLocal(int destination) {
        x.count(EngineCounter.ROCE_NOT_LOCAL);
        if (x.logOnce.pending(EngineState.LOG_NOT_LOCAL)) {
            x.logOnce.warn(EngineState.LOG_NOT_LOCAL, "dropped a RoCEv2 packet to {}: not in dta_local_addresses (the "
                    + "controller must write the translator's addresses there)", Ipv4.format(destination));
        }
    }

    private void ignoreWrongSource(int qpn) {
        x.count(EngineCounter.REPLIES_WRONG_SOURCE);
        if (x.logOnce.pending(EngineState.LOG_SPOOFED)) {
            x.logOnce.warn(EngineState.LOG_SPOOFED, "ignored a {} for queue pair 0x{} from {}: not its collector's address",
                    packet.opcode().name(), Integer.toHexString(qpn), Ipv4.format(packet.ip().source()));
        }
    }

    private void readResponse(int c, int op, MemorySegment s, long frame, int length) {
        if (!x.regs.qpUp(c)) {
            // The controller's own READs (catalog, Append rings) run while the queue pair is down.
            egress.packetIn(TranslatorP4Names.REASON_READ_RESPONSE, TranslatorP4Names.NETWORK_PORT, s, frame, length, true);
        } else if (op == RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY) {
            int psn = packet.bth().psn();
            if (requester.outstanding(c, psn)) {
                requester.probeAnswered(c, psn);
            } else {
                requester.outsideWindow(c, packet.opcode().name(), psn);
            }
        } else {
            x.count(EngineCounter.UNEXPECTED_READ_RESPONSES);
        }
    }
}
