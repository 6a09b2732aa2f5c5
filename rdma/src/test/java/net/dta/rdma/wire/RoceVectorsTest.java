package net.dta.rdma.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import net.dta.testkit.ProtocolVectors;
import net.dta.packetio.wire.UdpHeader;

/**
 * Every request packet of docs/protocol.md section 10 parses, carries a valid ICRC, and is
 * rebuilt byte for byte by the frame writer from its decoded fields.
 */
class RoceVectorsTest {
    static final long TRANSLATOR_MAC = 0x020000000001L;
    static final long COLLECTOR_MAC = 0x020000000002L;
    static final int TRANSLATOR_IP = 0x0A000001;
    static final int COLLECTOR_IP = 0x0A000002;
    static final RoceRoute TO_COLLECTOR =
            RoceRoute.forQueuePair(TRANSLATOR_MAC, COLLECTOR_MAC, TRANSLATOR_IP, COLLECTOR_IP, 0x000103);

    static Stream<String> requestVectors() {
        ProtocolVectors v = ProtocolVectors.load();
        return Stream.of("kw.packet.", "ki.packet.", "pc.packet.", "ap.packet.", "sk.packet.")
                .flatMap(p -> v.withPrefix(p).stream().map(ProtocolVectors.Vector::name));
    }

    static Stream<String> allPacketVectors() {
        return Stream.concat(requestVectors(),
                Stream.of("reply.ack", "reply.nak-psn", "reply.nak-access", "reply.atomic-ack", "catalog.read-request",
                        "cm.req", "cm.rep", "cm.rtu"));
    }

    @ParameterizedTest
    @MethodSource("allPacketVectors")
    void shouldParseEveryVectorPacketWithValidIcrc(String name) {
        byte[] frame = ProtocolVectors.load().get(name).bytes();
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(MemorySegment.ofArray(frame), 0, frame.length, true), name);
        assertTrue(p.ip().checksumValid(), name + " IPv4 checksum");
        assertEquals(0xFFFF, p.bth().pkey());
        assertEquals(UdpHeader.ROCE_PORT, p.udp().destinationPort());
    }

    @ParameterizedTest
    @MethodSource("requestVectors")
    void shouldRebuildRequestVectorsByteForByte(String name) {
        byte[] frame = ProtocolVectors.load().get(name).bytes();
        MemorySegment in = MemorySegment.ofArray(frame);
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(in, 0, frame.length, true));
        int psn = p.bth().psn();
        assertEquals(psn % 64 == 0, p.bth().ackRequest(), "AckReq iff PSN mod 64 == 0");
        assertEquals(RoceRoute.sourcePortOf(0x000103), p.udp().sourcePort());
        MemorySegment out = MemorySegment.ofArray(new byte[2048]);
        RoceFrameWriter w = new RoceFrameWriter();
        int len;
        if (p.opcode().code() == RoceOpcode.RC_RDMA_WRITE_ONLY) {
            len = w.writeOnly(out, 0, TO_COLLECTOR, p.bth().destQp(), psn, RoceFrameWriter.ackRequested(psn, 64),
                    p.reth().virtualAddress(), p.reth().rkey(), in, p.payloadOffset(), p.payloadLength());
        } else {
            assertEquals(RoceOpcode.RC_FETCH_ADD, p.opcode().code());
            len = w.fetchAdd(out, 0, TO_COLLECTOR, p.bth().destQp(), psn, RoceFrameWriter.ackRequested(psn, 64),
                    p.atomicEth().virtualAddress(), p.atomicEth().rkey(), p.atomicEth().swapAdd());
        }
        assertArrayEquals(frame, out.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), name);
    }

    @Test
    void shouldBuildTheCatalogReadRequestVector() {
        byte[] expected = ProtocolVectors.load().get("catalog.read-request").bytes();
        MemorySegment out = MemorySegment.ofArray(new byte[256]);
        int len = new RoceFrameWriter().readRequest(out, 0, TO_COLLECTOR, 0x11, 0xABCDEF, false, 0x00007EFF00000000L,
                0x42, 32 + 128 * 5);
        assertArrayEquals(expected, out.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldBuildTheReplyVectors() {
        ProtocolVectors v = ProtocolVectors.load();
        RoceRoute back = RoceRoute.forQueuePair(COLLECTOR_MAC, TRANSLATOR_MAC, COLLECTOR_IP, TRANSLATOR_IP, 0x11);
        RoceFrameWriter w = new RoceFrameWriter();
        MemorySegment out = MemorySegment.ofArray(new byte[256]);
        assertFrame(v.get("reply.ack").bytes(), out, w.acknowledge(out, 0, back, 0x103, 0x100, AethSyndrome.ACK, 2));
        assertFrame(v.get("reply.nak-psn").bytes(), out,
                w.acknowledge(out, 0, back, 0x103, 0xFF, AethSyndrome.NAK_PSN_SEQUENCE_ERROR, 0));
        assertFrame(v.get("reply.nak-access").bytes(), out,
                w.acknowledge(out, 0, back, 0x103, 0x100, AethSyndrome.NAK_REMOTE_ACCESS_ERROR, 1));
        assertFrame(v.get("reply.atomic-ack").bytes(), out, w.atomicAcknowledge(out, 0, back, 0x103, 0x200, 1, 0));
    }

    @Test
    void shouldDecodeKeyWritePacketFields() {
        byte[] frame = ProtocolVectors.load().get("kw.packet.1").bytes();
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(MemorySegment.ofArray(frame), 0, frame.length, true));
        assertEquals(RoceOpcode.RC_RDMA_WRITE_ONLY, p.opcode().code());
        assertEquals(0x000011, p.bth().destQp());
        assertEquals(0x000100, p.bth().psn());
        assertTrue(p.bth().ackRequest());
        assertEquals(0x00007F0000000B38L, p.reth().virtualAddress()); // slot of index(1) in protocol.md 10.2 (store format 2)
        assertEquals(0x1234, p.reth().rkey());
        assertEquals(8, p.reth().dmaLength());
        assertEquals(8, p.payloadLength());
        assertEquals(TRANSLATOR_MAC, p.ethernet().source());
        assertEquals(COLLECTOR_IP, p.ip().destination());
        assertEquals(0x4000, p.ip().flagsFragment());
    }

    @Test
    void shouldRejectAFlippedBitOnlyThroughTheIcrc() {
        byte[] frame = ProtocolVectors.load().get("kw.packet.0").bytes();
        frame[frame.length - 6] ^= 0x01; // a payload bit
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(MemorySegment.ofArray(frame), 0, frame.length, false));
        assertEquals(MalformedReason.BAD_ICRC, p.parse(MemorySegment.ofArray(frame), 0, frame.length, true));
    }

    @Test
    void shouldIgnoreMaskedFieldsInTheIcrc() {
        byte[] frame = ProtocolVectors.load().get("kw.packet.0").bytes();
        frame[14 + 1] = (byte) 0x02; // TOS (ECN)
        frame[14 + 8] = 17; // TTL after some hops
        frame[14 + 20 + 6] = 0x12; // UDP checksum
        frame[14 + 28 + 4] = (byte) 0x80; // FECN
        assertTrue(new Icrc().verify(MemorySegment.ofArray(frame), 14, frame.length - 14 - 4));
        frame[14 + 4] = 1; // identification is covered
        assertFalse(new Icrc().verify(MemorySegment.ofArray(frame), 14, frame.length - 14 - 4));
    }

    @Test
    void shouldComputeTheSameIcrcOnNativeMemory() {
        byte[] frame = ProtocolVectors.load().get("pc.packet.0").bytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(frame.length + 100);
            MemorySegment.copy(frame, 0, s, ValueLayout.JAVA_BYTE, 100, frame.length);
            assertTrue(new Icrc().verify(s, 100 + 14, frame.length - 14 - 4));
        }
    }

    private static void assertFrame(byte[] expected, MemorySegment out, int len) {
        assertArrayEquals(expected, out.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    }
}
