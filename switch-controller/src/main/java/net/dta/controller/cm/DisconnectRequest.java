package net.dta.controller.cm;

import java.lang.foreign.MemorySegment;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * A DREQ a collector sent for one of the translator's queue pairs (protocol.md 7.1): Linux's
 * passive side sends them for a connection whose active side went away, and keeps rejecting new
 * REQs from that QPN (REJ 10, stale connection) until they are answered or time out. Control
 * path: allocation is fine.
 *
 * @param sourceIp      the collector's address (the frame's source)
 * @param translatorQpn the DREQ's remote QPN: the translator queue pair it ends
 * @param theirCommId   the DREQ's local communication id (the collector's)
 * @param ourCommId     the DREQ's remote communication id (ours, from the REQ)
 */
public record DisconnectRequest(int sourceIp, int translatorQpn, int theirCommId, int ourCommId, long transactionId) {

    /** The DREQ in a frame from a collector, or null when the frame is no DREQ. */
    public static DisconnectRequest parse(byte[] frame) {
        RocePacket packet = new RocePacket();
        CmPacket cm = new CmPacket();
        if (packet.parse(MemorySegment.ofArray(frame), 0, frame.length, false) != MalformedReason.OK
                || packet.opcode().code() != RoceOpcode.UD_SEND_ONLY || cm.parse(packet) != CmParseResult.OK
                || cm.attributeId() != CmAttribute.DREQ) {
            return null;
        }
        return new DisconnectRequest(packet.ip().source(), cm.dreq().remoteQpn(), cm.dreq().localCommId(),
                cm.dreq().remoteCommId(), cm.mad().transactionId());
    }

    /** The DREP that answers it, from the translator to the collector (same transaction id). */
    public byte[] reply(TranslatorSpec translator, CollectorSpec collector) {
        byte[] frame = new byte[CmFrameWriter.FRAME_LENGTH + 64];
        RoceRoute route = RoceRoute.forQueuePair(translator.mac(), collector.mac(), translator.address(),
                collector.address(), 1);
        int length = new CmFrameWriter().drep(MemorySegment.ofArray(frame), 0, route, 0, transactionId, ourCommId,
                theirCommId);
        return java.util.Arrays.copyOf(frame, length);
    }
}
