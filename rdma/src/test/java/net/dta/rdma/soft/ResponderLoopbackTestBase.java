package net.dta.rdma.soft;

import net.dta.rdma.cm.CmPolicy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dta.protocol.Bytes;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmRej;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.rdma.region.Atomics;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.Icrc;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;

/**
 * The software responder driven over real sockets on loopback by a test requester: every opcode,
 * PSN gaps, duplicates, access errors, truncated packets, CM. Subclasses pick the mode.
 */
abstract class ResponderLoopbackTestBase extends LoopbackFixture {

    @Test
    void shouldConnectAndAcknowledgeAWriteWithAckReq() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x000100, 1024);
        assertEquals(1, handler.established.size());
        assertEquals(0x103, handler.requests.getFirst().remoteQpn());
        assertEquals(Ipv4.toInetAddress(requester.address), handler.requests.getFirst().remoteAddress());
        byte[] slot = bytes(8, 1);
        requester.writeOnly(qpn, 0x100, true, region.va() + 0xCE0, region.rkeys()[0], slot);
        requester.flush();
        assertAck(onlyReply("WRITE Only"), AethSyndrome.ACK, 0x100);
        assertArrayEquals(slot, memory(0xCE0, 8));
        QueuePairInfo info = queuePair(qpn);
        assertEquals(1, info.writes());
        assertEquals(1, info.acks());
        assertEquals(0x101, info.expectedPsn());
        assertEquals(1, region.counters().writes.sum());
        assertEquals(8, region.counters().writeBytes.sum());
    }

    /**
     * The bug Linux's rdma_cm collectors showed (issue 10): the requester sends from the REP's
     * starting PSN, as Linux's active side does; a request at the REQ's PSN is a PSN sequence
     * error naming the REP's PSN.
     */
    @Test
    void shouldExpectTheRepsStartingPsnNotTheReqs() throws Exception {
        start(true);
        nextRepPsn = 0x00ABCDEF;
        List<byte[]> replies = requester.connect(0x103, 0x000100, 1024, CM_PORT, 0x3131);
        CmPacket rep = TestRequester.parseCm(replies.getFirst());
        assertEquals(0x00ABCDEF, rep.rep().startingPsn());
        int qpn = rep.rep().localQpn();
        requester.writeOnly(qpn, 0x000100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("a WRITE at the REQ's PSN"), AethSyndrome.NAK_PSN_SEQUENCE_ERROR, 0x00ABCDEF);
        requester.writeOnly(qpn, 0x00ABCDEF, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("a WRITE at the REP's PSN"), AethSyndrome.ACK, 0x00ABCDEF);
    }

    /** As a NIC whose queue pair allows neither (issue 13 item 12): NAK invalid request, then ERROR. */
    @Test
    void shouldNakSendAndCompareSwapWithInvalidRequest() throws Exception {
        start(false);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, false, 0, 0, new byte[0]);
        requester.opcodeOfLast(RoceOpcode.RC_SEND_ONLY); // the 16 RETH bytes become its payload
        requester.flush();
        assertAck(onlyReply("SEND Only"), AethSyndrome.NAK_INVALID_REQUEST, 0x100);
        requester.fetchAdd(qpn, 0x101, region.va(), region.rkeys()[0], 5);
        requester.opcodeOfLast(RoceOpcode.RC_COMPARE_SWAP);
        requester.flush();
        assertAck(onlyReply("COMPARE_SWAP"), AethSyndrome.NAK_INVALID_REQUEST, 0x101);
        assertArrayEquals(new byte[8], memory(0, 8), "nothing swapped");
        assertEquals(2L, queuePair(qpn).naksBySyndrome().get("invalid_request"));
    }

    /** protocol.md 4.4: configured little-endian (host order, as rxe and mlx5 on x86), FETCH_ADD adds to LE words. */
    @Test
    void shouldFetchAddOnLittleEndianWordsWhenConfigured() throws Exception {
        atomicsLittleEndian = true;
        start(true);
        assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, backend.atomicByteOrder());
        int qpn = connect(0x103, 0x100, 1024);
        requester.fetchAdd(qpn, 0x100, region.va() + 16, region.rkeys()[0], 0x0102);
        requester.fetchAdd(qpn, 0x101, region.va() + 16, region.rkeys()[0], 1);
        requester.flush();
        List<byte[]> replies = requester.receive(2, 2000);
        assertEquals(2, replies.size());
        assertEquals(0x0102, TestRequester.parse(replies.get(1), raw()).atomicAckEth().originalData());
        assertArrayEquals(new byte[] {3, 1, 0, 0, 0, 0, 0, 0}, memory(16, 8), "0x0103 little-endian");
    }

    @Test
    void shouldPickRandomQueuePairNumbers() throws Exception {
        start(true);
        int a = connect(0x103, 0x100, 1024);
        int b = connect(0x104, 0x200, 1024);
        int c = connect(0x105, 0x300, 1024);
        assertTrue(a >= 2 && b >= 2 && c >= 2);
        assertTrue(!(b == a + 1 && c == b + 1), "not sequential: " + a + ", " + b + ", " + c);
    }

    @Test
    void shouldRejectARequestFromQueuePairZero() throws Exception {
        start(true);
        CmPacket rej = TestRequester.parseCm(requester.connect(0, 0x100, 1024, CM_PORT, 0x2121).getFirst());
        assertEquals(CmAttribute.REJ, rej.attributeId());
        assertEquals(CmRej.REASON_CONSUMER_REJECT, rej.rej().reason());
        assertEquals(List.of(), backend.queuePairs());
    }

    @Test
    void shouldIgnoreADreqForAnUnknownConnection() throws Exception {
        start(true);
        requester.dreq(0x7777, 0x12345678, 0x42);
        requester.flush();
        assertEquals(List.of(), requester.receiveNone(), "no DREP to whoever sent it");
        awaitCount(1, () -> backend.counters().drops().get("cm_unknown_connection"), "cm_unknown_connection");
    }

    @Test
    void shouldReassembleAMultiPacketWrite() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x10, 256);
        byte[] data = bytes(600, 3);
        MemorySegment payload = MemorySegment.ofArray(data);
        long va = region.va() + 0x1000;
        int rkey = region.rkeys()[0];
        requester.queue(requester.writer().begin(requester.segment(), requester.slot(), requester.route(0x103),
                RoceOpcode.RC_RDMA_WRITE_FIRST, qpn, 0x10, false).reth(va, rkey, 600).payload(payload, 0, 256).finish());
        requester.queue(requester.writer().begin(requester.segment(), requester.slot(), requester.route(0x103),
                RoceOpcode.RC_RDMA_WRITE_MIDDLE, qpn, 0x11, false).payload(payload, 256, 256).finish());
        requester.queue(requester.writer().begin(requester.segment(), requester.slot(), requester.route(0x103),
                RoceOpcode.RC_RDMA_WRITE_LAST, qpn, 0x12, true).payload(payload, 512, 88).finish());
        requester.flush();
        assertAck(onlyReply("WRITE Last"), AethSyndrome.ACK, 0x12);
        assertArrayEquals(data, memory(0x1000, 600));
        assertEquals(1, queuePair(qpn).writes());
    }

    @Test
    void shouldRefuseAMiddlePacketWithoutAFirst() throws Exception {
        start(false);
        int qpn = connect(0x103, 0x10, 256);
        requester.queue(requester.writer().begin(requester.segment(), requester.slot(), requester.route(0x103),
                RoceOpcode.RC_RDMA_WRITE_MIDDLE, qpn, 0x10, false).payload(MemorySegment.ofArray(bytes(256, 0)), 0, 256)
                .finish());
        requester.flush();
        assertAck(onlyReply("Middle without First"), AethSyndrome.NAK_INVALID_REQUEST, 0x10);
    }

    @Test
    void shouldFetchAddAndReplayADuplicateFromTheCache() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x200, 1024);
        long va = region.va() + 0xDB8;
        int rkey = region.rkeys()[0];
        requester.fetchAdd(qpn, 0x200, va, rkey, 1500);
        requester.fetchAdd(qpn, 0x201, va, rkey, 500);
        requester.flush();
        List<byte[]> acks = requester.receive(2, 2000);
        assertEquals(2, acks.size());
        RocePacket second = TestRequester.parse(acks.get(1), raw());
        assertEquals(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, second.opcode().code());
        assertEquals(1500, second.atomicAckEth().originalData());
        assertEquals(0x201, second.bth().psn());
        assertEquals(2000, Atomics.loadBigEndian(memory, 0xDB8));
        requester.fetchAdd(qpn, 0x200, va, rkey, 1500); // a duplicate: replayed, not executed
        requester.flush();
        RocePacket replay = onlyReply("duplicate FETCH_ADD");
        assertEquals(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, replay.opcode().code());
        assertEquals(0, replay.atomicAckEth().originalData());
        assertEquals(0x200, replay.bth().psn());
        assertEquals(2000, Atomics.loadBigEndian(memory, 0xDB8), "not added twice");
        assertEquals(1, queuePair(qpn).duplicates());
        assertEquals(2, queuePair(qpn).atomics());
    }

    @Test
    void shouldReplayADuplicateAtomicOfTheLast1024PsnsAndDropAnOlderOne() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        int depth = QueuePair.ATOMIC_PSNS;
        int rkey = region.rkeys()[0];
        requester.fetchAdd(qpn, 0x100, region.va(), rkey, 1);
        for (int i = 1; i < depth; i++) { // WRITEs without AckReq: no replies, the PSNs move on
            requester.writeOnly(qpn, 0x100 + i, false, region.va() + 8, rkey, bytes(8, 1));
            if (i % 32 == 0) {
                requester.flush();
            }
        }
        requester.flush();
        List<byte[]> ack = requester.receive(1, 2000);
        assertEquals(1, ack.size(), () -> "the FETCH_ADD's ATOMIC ACK, got: " + ack.stream()
                .map(f -> TestRequester.parse(f, raw())).map(r -> r.opcode() + " PSN 0x" + Integer.toHexString(r.bth().psn())).toList());
        requester.fetchAdd(qpn, 0x100, region.va(), rkey, 1); // 1023 PSNs ago: still saved
        requester.flush();
        RocePacket replay = onlyReply("a duplicate FETCH_ADD of the last 1024 PSNs");
        assertEquals(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, replay.opcode().code());
        assertEquals(0x100, replay.bth().psn());
        assertEquals(0, replay.atomicAckEth().originalData());
        requester.fetchAdd(qpn, 0x100 + depth, region.va() + 16, rkey, 1); // 1024 PSNs on: takes its slot
        requester.flush();
        assertEquals(1, requester.receive(1, 2000).size());
        requester.fetchAdd(qpn, 0x100, region.va(), rkey, 1);
        requester.flush();
        assertEquals(List.of(), requester.receiveNone());
        awaitCount(1, () -> queuePair(qpn).drops().get("duplicate_atomic_not_saved"), "duplicate_atomic_not_saved");
        assertEquals(1, Atomics.loadBigEndian(memory, 0), "never executed twice");
    }

    @Test
    void shouldServeAMultiPacketRead() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x300, 256);
        byte[] data = bytes(600, 9);
        MemorySegment.copy(data, 0, memory, ValueLayout.JAVA_BYTE, 0x2000, data.length);
        requester.read(qpn, 0x300, region.va() + 0x2000, region.rkeys()[0], 600);
        requester.flush();
        List<byte[]> responses = requester.receive(3, 2000);
        assertEquals(3, responses.size());
        int[] opcodes = {RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST, RoceOpcode.RC_RDMA_READ_RESPONSE_MIDDLE,
                RoceOpcode.RC_RDMA_READ_RESPONSE_LAST};
        byte[] got = new byte[600];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            RocePacket p = TestRequester.parse(responses.get(i), raw());
            assertEquals(opcodes[i], p.opcode().code());
            assertEquals(0x300 + i, p.bth().psn());
            byte[] frame = responses.get(i);
            System.arraycopy(frame, (int) p.payloadOffset(), got, at, p.payloadLength());
            at += p.payloadLength();
        }
        assertArrayEquals(data, got);
        assertEquals(0x303, queuePair(qpn).expectedPsn(), "a READ consumes one PSN per response");
        requester.read(qpn, 0x300, region.va() + 0x2000, region.rkeys()[0], 600); // duplicate: answered again
        requester.flush();
        assertEquals(3, requester.receive(3, 2000).size());
    }

    @Test
    void shouldNakOncePerGapAndAcceptTheExpectedPsnAfter() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        int rkey = region.rkeys()[0];
        requester.writeOnly(qpn, 0x105, false, region.va(), rkey, bytes(8, 1));
        requester.writeOnly(qpn, 0x106, true, region.va(), rkey, bytes(8, 1));
        requester.writeOnly(qpn, 0x107, true, region.va(), rkey, bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("gap"), AethSyndrome.NAK_PSN_SEQUENCE_ERROR, 0x100);
        assertArrayEquals(new byte[8], memory(0, 8), "packets after a gap are not executed");
        requester.writeOnly(qpn, 0x100, true, region.va(), rkey, bytes(8, 2)); // resynchronised
        requester.flush();
        assertAck(onlyReply("resync"), AethSyndrome.ACK, 0x100);
        assertArrayEquals(bytes(8, 2), memory(0, 8));
        QueuePairInfo info = queuePair(qpn);
        assertEquals(1, info.psnGaps());
        assertEquals(3L, info.drops().get("out_of_sequence"));
        assertEquals(1L, info.naksBySyndrome().get("psn_sequence"));
    }

    @Test
    void shouldAckDuplicateWritesWithTheLastPsnWithoutExecutingThem() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        int rkey = region.rkeys()[0];
        requester.writeOnly(qpn, 0x100, false, region.va() + 64, rkey, bytes(8, 1));
        requester.writeOnly(qpn, 0x101, false, region.va() + 72, rkey, bytes(8, 2));
        requester.flush();
        assertEquals(List.of(), requester.receiveNone());
        memory.asSlice(64, 8).fill((byte) 0);
        requester.writeOnly(qpn, 0x100, false, region.va() + 64, rkey, bytes(8, 1)); // duplicate, AckReq clear
        requester.flush();
        assertAck(onlyReply("duplicate WRITE"), AethSyndrome.ACK, 0x101);
        assertArrayEquals(new byte[8], memory(64, 8), "a duplicate WRITE is not executed again (as rxe)");
        // A blind WRITE in the duplicate half of the PSN space (issue 13 item 6): ACKed, nothing written.
        requester.writeOnly(qpn, 0x900000, false, region.va() + 64, rkey, bytes(8, 9));
        requester.flush();
        assertAck(onlyReply("blind duplicate WRITE"), AethSyndrome.ACK, 0x101);
        assertArrayEquals(new byte[8], memory(64, 8));
        requester.writeOnly(qpn, 0x101, true, 0, 0, new byte[0]); // the translator's liveness probe
        requester.flush();
        assertAck(onlyReply("probe"), AethSyndrome.ACK, 0x101);
        assertEquals(0x102, queuePair(qpn).expectedPsn());
    }

    @Test
    void shouldNakAccessErrorsWithoutWriting() throws Exception {
        start(false);
        int qpn = connect(0x103, 0x100, 1024);
        int rkey = region.rkeys()[0];
        requester.writeOnly(qpn, 0x100, true, region.va(), rkey + 1, bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("bad rkey"), AethSyndrome.NAK_REMOTE_ACCESS_ERROR, 0x100);
        requester.writeOnly(qpn, 0x101, true, region.va() + REGION_BYTES - 4, rkey, bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("out of bounds"), AethSyndrome.NAK_REMOTE_ACCESS_ERROR, 0x101);
        requester.fetchAdd(qpn, 0x102, region.va() + 4, rkey, 1);
        requester.flush();
        assertAck(onlyReply("misaligned atomic"), AethSyndrome.NAK_INVALID_REQUEST, 0x102);
        requester.writeOnly(qpn, 0x103, true, region.va(), rkey, bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("still up with errorOnNak=false"), AethSyndrome.ACK, 0x103);
        assertArrayEquals(new byte[(int) REGION_BYTES - 8], memory(8, (int) REGION_BYTES - 8), "nothing else written");
        QueuePairInfo info = queuePair(qpn);
        assertEquals("RTS", info.state());
        assertEquals(2L, info.naksBySyndrome().get("remote_access"));
        assertEquals(1L, info.naksBySyndrome().get("invalid_request"));
        assertEquals(2, region.counters().accessErrors.sum(), "the unknown rkey is not this region's");
    }

    @Test
    void shouldPutTheQueuePairInErrorAfterANak() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, true, region.va() - 8, region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("out of bounds"), AethSyndrome.NAK_REMOTE_ACCESS_ERROR, 0x100);
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertEquals(List.of(), requester.receiveNone(), "a queue pair in ERROR is silent");
        awaitCount(1, () -> queuePair(qpn).drops().get("qp_error"), "qp_error");
        assertEquals("ERROR", queuePair(qpn).state());
        assertEquals(1, handler.closed.size());
        assertTrue(handler.closed.getFirst().contains("remote_access"), handler.closed.getFirst());
        int again = connect(0x103, 0x500, 1024); // the controller re-connects: a new queue pair replaces it
        assertTrue(again != qpn);
        assertEquals(1, backend.queuePairs().size());
    }

    @Test
    void shouldDropTruncatedPacketsAndCountTheReason() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.truncateLast(14 + 20 + 8 + 12 + 8 + 4); // RETH cut in half
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.truncateLast(14 + 20 + 8 + 6); // BTH cut in half
        requester.flush();
        assertEquals(List.of(), requester.receiveNone());
        awaitCount(1, () -> backend.counters().drops().get("too_short_for_opcode"), "too_short_for_opcode");
        awaitCount(1, () -> backend.counters().drops().get("truncated"), "truncated");
        assertEquals(0x100, queuePair(qpn).expectedPsn());
    }

    @Test
    void shouldDropPacketsForUnknownQueuePairs() throws Exception {
        start(true);
        requester.writeOnly(0x777, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertEquals(List.of(), requester.receiveNone());
        awaitCount(1, () -> backend.counters().drops().get("unknown_qp"), "unknown_qp");
        // The kernel's drops at the responder's socket (/proc/self/net/udp or raw, by inode): found, none.
        assertEquals(0L, backend.counters().drops().get(SoftRoceBackend.KERNEL_RECEIVE_BUFFER), backend.counters().toString());
    }

    @Test
    void shouldAnswerDreqWithDrepAndForgetTheQueuePair() throws Exception {
        start(true);
        List<byte[]> replies = requester.connect(0x104, 0x100, 1024, CM_PORT, 0x5151);
        CmPacket rep = TestRequester.parseCm(replies.getFirst());
        requester.dreq(0x5151, rep.rep().localCommId(), rep.rep().localQpn());
        requester.flush();
        List<byte[]> drep = requester.receive(1, 2000);
        assertEquals(1, drep.size());
        CmPacket d = TestRequester.parseCm(drep.getFirst());
        assertEquals(CmAttribute.DREP, d.attributeId());
        assertEquals(0x5151, d.drep().remoteCommId());
        assertEquals(List.of(), backend.queuePairs());
        assertEquals(List.of("disconnected by the requester (DREQ)"), handler.closed);
    }

    @Test
    void shouldRejectAnotherServiceIdAndAConsumerReject() throws Exception {
        start(true);
        CmPacket rej = TestRequester.parseCm(requester.connect(0x105, 0x100, 1024, CM_PORT + 1, 0x6161).getFirst());
        assertEquals(CmAttribute.REJ, rej.attributeId());
        assertEquals(CmRej.REASON_INVALID_SERVICE_ID, rej.rej().reason());
        assertEquals(0x6161, rej.rej().remoteCommId());
        handler.rejectWith = "store layout mismatch";
        rej = TestRequester.parseCm(requester.connect(0x106, 0x100, 1024, CM_PORT, 0x7171).getFirst());
        assertEquals(CmRej.REASON_CONSUMER_REJECT, rej.rej().reason());
        assertTrue(new String(rej.rej().privateData(), java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("store layout mismatch"));
        assertEquals(List.of(), backend.queuePairs());
        assertEquals(2L, backend.counters().drops().get("cm_rejected"));
    }

    @Test
    void shouldTreatACorruptedPayloadAccordingToTheMode() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        MemorySegment s = requester.segment();
        int payload = 14 + 20 + 8 + 12 + 16;
        Bytes.u8(s, payload, Bytes.u8(s, payload) ^ 0xFF); // flipped after the ICRC was computed
        requester.flush();
        if (raw()) {
            assertEquals(List.of(), requester.receiveNone(), "a bad ICRC is dropped silently");
            awaitCount(1, () -> backend.counters().drops().get("bad_icrc"), "bad_icrc");
            assertEquals(1, backend.counters().icrcFailures());
            assertArrayEquals(new byte[8], memory(0, 8));
        } else {
            assertAck(onlyReply("UDP mode cannot check the ICRC"), AethSyndrome.ACK, 0x100);
            assertEquals(0, backend.counters().icrcFailures());
        }
        assertEquals(raw(), backend.verifiesIcrc());
        assertTrue(backend.describe().contains(raw() ? "every ICRC verified" : "NOT verified"), backend.describe());
    }

    /** The ICRC helper is shared with the translator: a frame the writer finished always verifies. */
    @Test
    void shouldSendRepliesWithValidIcrcs() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        List<byte[]> got = requester.receive(1, 2000);
        byte[] f = got.getFirst();
        boolean valid = new Icrc().verify(MemorySegment.ofArray(f), 14, f.length - 14 - 4);
        // UDP mode: the synthesized header is the predicted one (id 0, DF, TTL 64), so it verifies too.
        assertTrue(valid);
    }

    @Test
    void shouldKeepServingARestoredQueuePairAfterARestart() throws Exception {
        start(true);
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, false, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.writeOnly(qpn, 0x101, true, region.va() + 8, region.rkeys()[0], bytes(8, 2));
        requester.flush();
        assertAck(onlyReply("before the restart"), AethSyndrome.ACK, 0x101);
        var states = backend.queuePairStates();
        assertEquals(1, states.size());
        assertEquals(0x102, states.getFirst().expectedPsn());
        assertEquals(2, states.getFirst().msn());
        long va = region.va();
        int[] rkeys = region.rkeys();
        backend.close();

        SoftRoceBackend restarted = onCollectorSide(() -> SoftRoceBackend.open(SoftRoceConfig.of(mode(), collectorAddress(),
                        CmPolicy.withSecret(net.dta.testkit.TestCmSecret.bytes()))
                .withChannel(new ChannelOptions(4 << 20, 1 << 20, 20)).withThreads(threads())));
        closeables.add(restarted);
        RegisteredRegion again = restarted.register(memory, EnumSet.of(Access.REMOTE_WRITE),
                new RegionRequest(va, rkeys));
        restarted.restoreQueuePairs(states);
        onCollectorSide(() -> {
            restarted.start(handler);
            return null;
        });
        requester.writeOnly(qpn, 0x102, true, again.va() + 16, again.rkeys()[0], bytes(8, 3));
        requester.flush();
        RocePacket ack = onlyReply("after the restart");
        assertAck(ack, AethSyndrome.ACK, 0x102);
        assertEquals(3, ack.aeth().msn(), "the MSN continues");
        assertArrayEquals(bytes(8, 3), memory(16, 8));
    }

    @Test
    void shouldServeEveryQueuePairOnTheThreadThatOwnsIt() throws Exception {
        start(true);
        int n = threads();
        assertEquals(n, backend.threads());
        // QPNs are random: connect until every thread owns one (QPN mod threads).
        java.util.Map<Integer, Integer> qpnByOwner = new java.util.TreeMap<>();
        for (int k = 0; k < 30 && qpnByOwner.size() < n; k++) {
            int qpn = connect(0x200 + k, 0x100, 1024);
            qpnByOwner.putIfAbsent(qpn % n, qpn);
        }
        assertEquals(n, qpnByOwner.size(), "a queue pair owned by every thread: " + qpnByOwner);
        long[] before = backend.packetsPerThread();
        int i = 0;
        for (int qpn : qpnByOwner.values()) {
            requester.writeOnly(qpn, 0x100, true, region.va() + 8L * i, region.rkeys()[0], bytes(8, 40 + i));
            requester.flush();
            RocePacket ack = onlyReply("the WRITE to queue pair 0x" + Integer.toHexString(qpn));
            assertEquals(RoceOpcode.RC_ACKNOWLEDGE, ack.opcode().code());
            assertEquals(AethSyndrome.ACK, ack.aeth().syndrome(), "served by the thread that owns it");
            assertArrayEquals(bytes(8, 40 + i), memory(8L * i, 8));
            i++;
        }
        long[] after = backend.packetsPerThread();
        for (int t = 0; t < n; t++) {
            assertTrue(after[t] > before[t], "thread " + t + " took its queue pair's packet: before "
                    + java.util.Arrays.toString(before) + ", after " + java.util.Arrays.toString(after));
        }
        assertEquals(0L, backend.counters().drops().get("unknown_qp"), "no packet reached a thread that does not own it");
    }
}
