package net.dta.rdma.soft;

import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.region.AccessResult;
import net.dta.rdma.region.Atomics;
import net.dta.rdma.region.RegionAccess;
import net.dta.rdma.region.RegionRegistry;
import net.dta.rdma.region.RegionTable;
import net.dta.packetio.status.LogOnce;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.Bth;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * The RC responder of protocol.md 5.4/5.5, independent of sockets: one call per received frame,
 * replies written to a {@link ReplySink}. Validation order: malformed (parser), CM (UD to QP 1),
 * unknown QP, wrong source, QP in ERROR, then the PSN (duplicate, ahead, expected) and, for the
 * expected packet, rkey / right / alignment / bounds before anything is written.
 *
 * <p>One per data-plane thread, for the queue pairs that thread owns; single-threaded,
 * allocation-free per data packet; errors become counters and one log line per reason. CM
 * (UD to QP 1) is served by the thread that owns QPN 1 (the only one the kernel steers it to).
 */
final class Responder {
    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    private static final int HALF_PSN_SPACE = 1 << 23;
    private static final int LOG_MALFORMED = 0;
    private static final int LOG_UNKNOWN_QP = MalformedReason.values().length;
    private static final int LOG_NOT_REQUEST = LOG_UNKNOWN_QP + 1;
    private static final int LOG_NAK = LOG_NOT_REQUEST + 1;
    private static final int LOG_INTERNAL = LOG_NAK + 4;
    private static final int LOG_WRONG_SOURCE = LOG_INTERNAL + 1;
    private static final int LOG_REASONS = LOG_WRONG_SOURCE + 1;

    private final SoftRoceConfig config;
    private final RegionRegistry regions;
    private final OwnedQueuePairs queuePairs;
    private final int thread;
    /** Null on the threads that do not run CM. */
    private final CmResponder cm;
    private final EndpointStats stats;
    private final ConnectionEvents events;
    private final RocePacket packet = new RocePacket();
    private final RoceFrameWriter writer = new RoceFrameWriter();
    private final RegionAccess access = new RegionAccess();
    private final LogOnce logOnce = new LogOnce(LOG, LOG_REASONS);
    private RegionTable table;

    Responder(SoftRoceConfig config, RegionRegistry regions, OwnedQueuePairs queuePairs, int thread, CmResponder cm,
              EndpointStats stats, ConnectionEvents events) {
        this.config = config;
        this.regions = regions;
        this.queuePairs = queuePairs;
        this.thread = thread;
        this.cm = cm;
        this.stats = stats;
        this.events = events;
        this.table = regions.table();
    }

    /** Takes queue pairs handed over by CM and the current region table for the frames of one batch. */
    void beginBatch() {
        queuePairs.applyChanges();
        table = regions.enterTable(thread);
    }

    /** Releases the table (a deregistration may be waiting). */
    void endBatch() {
        regions.exitTable(thread);
    }

    void onFrame(MemorySegment segment, long offset, int length, boolean verifyIcrc, ReplySink sink) {
        stats.increment(EndpointStats.PACKETS);
        stats.counters.add(EndpointStats.BYTES, length);
        if (length == 0) {
            stats.increment(EndpointStats.OVERSIZED);
            return;
        }
        try {
            MalformedReason reason = packet.parse(segment, offset, length, verifyIcrc);
            if (reason != MalformedReason.OK) {
                stats.malformed(reason);
                if (logOnce.pending(LOG_MALFORMED + reason.ordinal())) {
                    logOnce.warn(LOG_MALFORMED + reason.ordinal(), "dropped a malformed RoCEv2 packet: {} ({} bytes, opcode {})",
                            reason.label(), length, packet.opcode().name());
                }
                return;
            }
            RoceOpcode op = packet.opcode();
            if (op.code() == RoceOpcode.UD_SEND_ONLY) {
                if (cm != null) {
                    cm.onPacket(packet, sink);
                } else {
                    stats.cm(CmParseResult.NOT_QP1); // steered here: not to QP 1
                }
                return;
            }
            if (op.fromResponder()) {
                stats.increment(EndpointStats.NOT_A_REQUEST);
                if (logOnce.pending(LOG_NOT_REQUEST)) {
                    logOnce.warn(LOG_NOT_REQUEST, "dropped a {} sent to a responder", op.name());
                }
                return;
            }
            QueuePair qp = queuePairs.get(packet.bth().destQp());
            if (qp == null) {
                stats.increment(EndpointStats.UNKNOWN_QP);
                if (logOnce.pending(LOG_UNKNOWN_QP)) {
                    logOnce.warn(LOG_UNKNOWN_QP, "dropped a packet for unknown queue pair 0x{}",
                            Integer.toHexString(packet.bth().destQp()));
                }
                return;
            }
            if (packet.ip().source() != qp.remoteIp) {
                stats.increment(EndpointStats.WRONG_SOURCE);
                if (logOnce.pending(LOG_WRONG_SOURCE)) {
                    logOnce.warn(LOG_WRONG_SOURCE, "dropped a packet for queue pair 0x{} from another address than its requester",
                            Integer.toHexString(qp.qpn));
                }
                return;
            }
            qp.counters.increment(QueuePair.PACKETS);
            qp.counters.add(QueuePair.BYTES, packet.ipPacketLength());
            if (qp.inError()) {
                qp.counters.increment(QueuePair.DROP_QP_ERROR);
                return;
            }
            learnMacs(qp);
            int d = (packet.bth().psn() - qp.expectedPsn) & Bth.PSN_MASK;
            if (d == 0) {
                expected(qp, sink);
            } else if (d >= HALF_PSN_SPACE) {
                duplicate(qp, sink);
            } else {
                ahead(qp, sink);
            }
        } catch (RuntimeException e) {
            stats.increment(EndpointStats.INTERNAL_ERROR);
            if (logOnce.warn(LOG_INTERNAL, "internal error on a {}-byte packet, dropped: {}", length, e.toString())) {
                LOG.warn("stack trace of the internal error", e);
            }
        }
    }

    // ---------------------------------------------------------------- expected PSN (5.5 step 5)

    private void expected(QueuePair qp, ReplySink sink) {
        qp.nakOutstanding = false;
        switch (packet.opcode().code()) {
            case RoceOpcode.RC_RDMA_WRITE_ONLY, RoceOpcode.RC_RDMA_WRITE_FIRST -> writeStart(qp, sink);
            case RoceOpcode.RC_RDMA_WRITE_MIDDLE -> writeMiddle(qp, sink);
            case RoceOpcode.RC_RDMA_WRITE_LAST -> writeLast(qp, sink);
            case RoceOpcode.RC_FETCH_ADD -> fetchAdd(qp, sink);
            case RoceOpcode.RC_RDMA_READ_REQUEST -> read(qp, sink);
            // SEND (no receive queue: DTA posts no receives) and COMPARE_SWAP (no region grants it):
            // NAK invalid request, as rxe's check_op_valid answers an operation the QP does not allow.
            default -> nak(qp, sink, AethSyndrome.NAK_INVALID_REQUEST, 1);
        }
    }

    private void writeStart(QueuePair qp, ReplySink sink) {
        boolean only = packet.opcode().code() == RoceOpcode.RC_RDMA_WRITE_ONLY;
        long dmaLength = packet.reth().dmaLength();
        int payload = packet.payloadLength();
        boolean lengthOk = only ? (payload == dmaLength && payload <= qp.mtu) : (payload == qp.mtu && dmaLength > qp.mtu);
        if (qp.writeInProgress || !lengthOk) {
            nak(qp, sink, AethSyndrome.NAK_INVALID_REQUEST, 1);
            return;
        }
        if (dmaLength > 0) {
            int result = table.checkWrite(packet.reth().rkey(), packet.reth().virtualAddress(), dmaLength, access);
            if (result != AccessResult.OK) {
                accessFailed(qp, sink, result, 1);
                return;
            }
            MemorySegment.copy(packet.segment(), packet.payloadOffset(), access.memory(), access.offset(), payload);
            access.counters().writeBytes.add(payload);
            if (only) {
                access.counters().writes.increment();
            }
        }
        if (!only) {
            qp.writeInProgress = true;
            qp.writeMemory = access.memory();
            qp.writeOffset = access.offset() + payload;
            qp.writeRemaining = dmaLength - payload;
            qp.writeCounters = access.counters();
        }
        advance(qp, 1, only);
        if (only) {
            qp.counters.increment(QueuePair.WRITES);
            if (packet.bth().ackRequest()) {
                ack(qp, sink, packet.bth().psn());
            }
        }
    }

    private void writeMiddle(QueuePair qp, ReplySink sink) {
        int payload = packet.payloadLength();
        if (!qp.writeInProgress || payload != qp.mtu || qp.writeRemaining <= qp.mtu) {
            nak(qp, sink, AethSyndrome.NAK_INVALID_REQUEST, 1);
            return;
        }
        continueWrite(qp, payload);
        advance(qp, 1, false);
    }

    private void writeLast(QueuePair qp, ReplySink sink) {
        int payload = packet.payloadLength();
        if (!qp.writeInProgress || payload == 0 || payload != qp.writeRemaining) {
            nak(qp, sink, AethSyndrome.NAK_INVALID_REQUEST, 1);
            return;
        }
        continueWrite(qp, payload);
        qp.writeInProgress = false;
        qp.writeCounters.writes.increment();
        qp.writeMemory = null;
        qp.writeCounters = null;
        advance(qp, 1, true);
        qp.counters.increment(QueuePair.WRITES);
        if (packet.bth().ackRequest()) {
            ack(qp, sink, packet.bth().psn());
        }
    }

    private void continueWrite(QueuePair qp, int payload) {
        MemorySegment.copy(packet.segment(), packet.payloadOffset(), qp.writeMemory, qp.writeOffset, payload);
        qp.writeCounters.writeBytes.add(payload);
        qp.writeOffset += payload;
        qp.writeRemaining -= payload;
    }

    private void fetchAdd(QueuePair qp, ReplySink sink) {
        int result = table.checkAtomic(packet.atomicEth().rkey(), packet.atomicEth().virtualAddress(), access);
        if (result != AccessResult.OK) {
            accessFailed(qp, sink, result, 1);
            return;
        }
        long original = config.atomicsLittleEndian()
                ? Atomics.fetchAddLittleEndian(access.memory(), access.offset(), packet.atomicEth().swapAdd())
                : Atomics.fetchAddBigEndian(access.memory(), access.offset(), packet.atomicEth().swapAdd());
        access.counters().atomics.increment();
        int psn = packet.bth().psn();
        qp.saveAtomic(psn, original);
        advance(qp, 1, true);
        qp.counters.increment(QueuePair.ATOMICS);
        atomicAck(qp, sink, psn, original);
    }

    private void read(QueuePair qp, ReplySink sink) {
        long length = packet.reth().dmaLength();
        int responses = responsesFor(length, qp.mtu);
        if (length > config.maxReadBytes()) {
            nak(qp, sink, AethSyndrome.NAK_INVALID_REQUEST, responses);
            return;
        }
        if (length > 0) {
            int result = table.checkRead(packet.reth().rkey(), packet.reth().virtualAddress(), length, access);
            if (result != AccessResult.OK) {
                accessFailed(qp, sink, result, responses);
                return;
            }
            access.counters().reads.increment();
            access.counters().readBytes.add(length);
        }
        int psn = packet.bth().psn();
        advance(qp, responses, true);
        qp.counters.increment(QueuePair.READS);
        respondRead(qp, sink, psn, length, responses);
    }

    // ---------------------------------------------------------------- duplicates and gaps (5.5 steps 3, 4)

    private void duplicate(QueuePair qp, ReplySink sink) {
        qp.counters.increment(QueuePair.DUPLICATES);
        int psn = packet.bth().psn();
        switch (packet.opcode().code()) {
            // Not executed again, ACKed with PSN e - 1 whether or not AckReq is set, as rxe does
            // (rxe_resp.c duplicate_request: "Ack again and cleanup. C9-105."): a blind or replayed
            // WRITE with an old PSN changes nothing, and the ACK tells the requester where we are.
            case RoceOpcode.RC_RDMA_WRITE_ONLY, RoceOpcode.RC_RDMA_WRITE_FIRST, RoceOpcode.RC_RDMA_WRITE_MIDDLE,
                 RoceOpcode.RC_RDMA_WRITE_LAST -> ack(qp, sink, (qp.expectedPsn - 1) & Bth.PSN_MASK);
            case RoceOpcode.RC_FETCH_ADD -> {
                int slot = qp.findAtomic(psn);
                if (slot < 0) {
                    qp.counters.increment(QueuePair.DROP_DUPLICATE_ATOMIC_NOT_SAVED);
                    return;
                }
                atomicAck(qp, sink, psn, qp.atomicOriginal[slot]);
            }
            case RoceOpcode.RC_RDMA_READ_REQUEST -> {
                long length = packet.reth().dmaLength();
                if (length > config.maxReadBytes() || (length > 0 && table.checkRead(packet.reth().rkey(),
                        packet.reth().virtualAddress(), length, access) != AccessResult.OK)) {
                    qp.counters.increment(QueuePair.DROP_DUPLICATE_REJECTED);
                    return;
                }
                respondRead(qp, sink, psn, length, responsesFor(length, qp.mtu));
            }
            default -> qp.counters.increment(QueuePair.DROP_DUPLICATE_REJECTED);
        }
    }

    private void ahead(QueuePair qp, ReplySink sink) {
        qp.counters.increment(QueuePair.DROP_OUT_OF_SEQUENCE);
        if (qp.nakOutstanding) {
            return;
        }
        qp.nakOutstanding = true;
        qp.counters.increment(QueuePair.PSN_GAPS);
        qp.counters.increment(QueuePair.NAK_PSN_SEQUENCE);
        sendAcknowledge(qp, sink, qp.expectedPsn, AethSyndrome.NAK_PSN_SEQUENCE_ERROR);
    }

    // ---------------------------------------------------------------- replies

    private void accessFailed(QueuePair qp, ReplySink sink, int result, int psns) {
        if (result != AccessResult.UNKNOWN_RKEY) {
            access.counters().accessErrors.increment(); // the check found the region
        }
        nak(qp, sink, result == AccessResult.MISALIGNED ? AethSyndrome.NAK_INVALID_REQUEST
                : AethSyndrome.NAK_REMOTE_ACCESS_ERROR, psns);
    }

    /**
     * NAKs the current packet (its PSN, the MSN so far); nothing was written. The queue pair goes to
     * ERROR, or with errorOnNak=false consumes the packet's PSNs and goes on.
     */
    private void nak(QueuePair qp, ReplySink sink, int syndrome, int psns) {
        qp.counters.increment(QueuePair.NAK_PSN_SEQUENCE + (syndrome & 0x3));
        sendAcknowledge(qp, sink, packet.bth().psn(), syndrome);
        String reason = AethSyndrome.of(syndrome).name();
        if (logOnce.pending(LOG_NAK + (syndrome & 0x3))) {
            logOnce.warn(LOG_NAK + (syndrome & 0x3), "queue pair 0x{}: NAK {} for a {} at PSN 0x{}",
                    Integer.toHexString(qp.qpn), reason, packet.opcode().name(), Integer.toHexString(packet.bth().psn()));
        }
        if (config.errorOnNak()) {
            qp.toError();
            events.closed(qp, "error: sent NAK " + reason + " for a " + packet.opcode().name() + " at PSN 0x"
                    + Integer.toHexString(packet.bth().psn()));
        } else {
            qp.writeInProgress = false;
            advance(qp, psns, false);
        }
    }

    private void ack(QueuePair qp, ReplySink sink, int psn) {
        qp.counters.increment(QueuePair.ACKS);
        sendAcknowledge(qp, sink, psn, AethSyndrome.ACK);
    }

    private void sendAcknowledge(QueuePair qp, ReplySink sink, int psn, int syndrome) {
        long at = sink.claim();
        sink.commit(writer.acknowledge(sink.segment(), at, qp.route, qp.remoteQpn, psn, syndrome, qp.msn));
    }

    private void atomicAck(QueuePair qp, ReplySink sink, int psn, long original) {
        qp.counters.increment(QueuePair.ACKS);
        long at = sink.claim();
        sink.commit(writer.atomicAcknowledge(sink.segment(), at, qp.route, qp.remoteQpn, psn, qp.msn, original));
    }

    /** READ responses with PSNs from {@code psn} upward, MTU bytes each (AETH on First, Last and Only). */
    private void respondRead(QueuePair qp, ReplySink sink, int psn, long length, int responses) {
        MemorySegment memory = length > 0 ? access.memory() : MemorySegment.NULL;
        long base = length > 0 ? access.offset() : 0;
        for (int i = 0; i < responses; i++) {
            long done = (long) i * qp.mtu;
            int chunk = (int) Math.min(qp.mtu, length - done);
            int opcode = responses == 1 ? RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY
                    : i == 0 ? RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST
                    : i == responses - 1 ? RoceOpcode.RC_RDMA_READ_RESPONSE_LAST
                    : RoceOpcode.RC_RDMA_READ_RESPONSE_MIDDLE;
            long at = sink.claim();
            sink.commit(writer.readResponse(sink.segment(), at, qp.route, opcode, qp.remoteQpn, psn + i, qp.msn,
                    memory, base + done, chunk));
            qp.counters.increment(QueuePair.READ_RESPONSES);
        }
    }

    static int responsesFor(long length, int mtu) {
        return length == 0 ? 1 : (int) ((length + mtu - 1) / mtu);
    }

    private static void advance(QueuePair qp, int psns, boolean endOfMessage) {
        qp.expectedPsn = (qp.expectedPsn + psns) & Bth.PSN_MASK;
        if (endOfMessage) {
            qp.msn = (qp.msn + 1) & 0xFF_FFFF;
        }
        qp.publishPsn();
    }

    /** Replies mirror the requester's MACs (zero behind IP-level sockets); a change is rare, so allocating then is fine. */
    private void learnMacs(QueuePair qp) {
        long requester = packet.ethernet().source();
        long local = packet.ethernet().destination();
        RoceRoute r = qp.route;
        if (r.destinationMac() != requester || r.sourceMac() != local) {
            qp.route = new RoceRoute(local, requester, r.sourceIp(), r.destinationIp(), r.sourcePort());
        }
    }
}
