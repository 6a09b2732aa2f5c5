package net.dta.rdma.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.dta.testkit.ProtocolVectors;

/** Bad frames are refused with the reason, in the documented order; codes never throw. */
class RocePacketValidationTest {
    private final RocePacket packet = new RocePacket();

    private static byte[] kw() {
        return ProtocolVectors.load().get("kw.packet.0").bytes();
    }

    private MalformedReason parse(byte[] frame) {
        return packet.parse(MemorySegment.ofArray(frame), 0, frame.length, false);
    }

    @Test
    void shouldReportTruncationAtEveryLength() {
        byte[] frame = kw();
        for (int len = 0; len < frame.length; len++) {
            MalformedReason r = packet.parse(MemorySegment.ofArray(frame), 0, len, true);
            assertEquals(MalformedReason.TRUNCATED, r, "length " + len);
        }
    }

    @Test
    void shouldAcceptEthernetPaddingAfterTheIpPacket() {
        byte[] frame = Arrays.copyOf(kw(), kw().length + 6);
        assertEquals(MalformedReason.OK, packet.parse(MemorySegment.ofArray(frame), 0, frame.length, true));
    }

    @Test
    void shouldRejectNonIpv4() {
        byte[] f = kw();
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xDD;
        assertEquals(MalformedReason.NOT_IPV4, parse(f));
    }

    @Test
    void shouldRejectIpOptions() {
        byte[] f = kw();
        f[14] = 0x46;
        assertEquals(MalformedReason.BAD_IP_HEADER, parse(f));
    }

    @Test
    void shouldRejectFragments() {
        byte[] f = kw();
        f[14 + 6] = 0x20;
        assertEquals(MalformedReason.FRAGMENTED, parse(f));
    }

    @Test
    void shouldRejectOtherPortsAndProtocols() {
        byte[] f = kw();
        f[14 + 9] = 6;
        assertEquals(MalformedReason.NOT_UDP, parse(f));
        f = kw();
        f[14 + 20 + 3] = 0x00;
        assertEquals(MalformedReason.NOT_ROCE_PORT, parse(f));
    }

    @Test
    void shouldRejectUdpLengthDisagreeingWithIp() {
        byte[] f = kw();
        f[14 + 20 + 5] += 4;
        assertEquals(MalformedReason.LENGTH_MISMATCH, parse(f));
    }

    @Test
    void shouldRejectUnknownOpcodesAndNameThem() {
        byte[] f = kw();
        f[14 + 28] = 0x2A; // UC RDMA WRITE Only: not handled here
        assertEquals(MalformedReason.UNKNOWN_OPCODE, parse(f));
        assertFalse(packet.opcode().known());
        assertEquals("unknown(0x2a)", packet.opcode().name());
    }

    @Test
    void shouldRejectTheInvalidPkey() {
        byte[] f = kw();
        f[14 + 28 + 2] = (byte) 0x80; // P_Key 0x8000: full member of the invalid partition
        f[14 + 28 + 3] = 0;
        assertEquals(MalformedReason.INVALID_PKEY, parse(f));
    }

    @Test
    void shouldRejectTransportVersionAndPadCount() {
        byte[] f = kw();
        f[14 + 28 + 1] = 0x01;
        assertEquals(MalformedReason.BAD_TRANSPORT_VERSION, parse(f));
        f = kw();
        f[14 + 28 + 1] = 0x10;
        assertEquals(MalformedReason.PAD_COUNT, parse(f));
    }

    @Test
    void shouldRejectPacketsTooShortForTheirOpcode() {
        byte[] f = ProtocolVectors.load().get("reply.ack").bytes();
        f[14 + 28] = RoceOpcode.RC_FETCH_ADD; // 4 bytes after the BTH, FETCH_ADD needs 28
        assertEquals(MalformedReason.TOO_SHORT_FOR_OPCODE, parse(f));
    }

    @Test
    void shouldRejectPayloadOnOpcodesWithout() {
        byte[] f = kw();
        f[14 + 28] = RoceOpcode.RC_RDMA_READ_REQUEST; // RETH then 8 bytes: a READ has none
        assertEquals(MalformedReason.UNEXPECTED_PAYLOAD, parse(f));
    }

    @Test
    void shouldLookUpEveryCodeWithoutThrowing() {
        for (int code = -300; code < 600; code++) {
            RoceOpcode op = RoceOpcode.of(code);
            assertSame(op, RoceOpcode.of(code));
            AethSyndrome s = AethSyndrome.of(code);
            assertEquals(code & 0xFF, s.code());
        }
        assertTrue(RoceOpcode.of(0x0A).startsWrite());
        assertTrue(RoceOpcode.of(0x08).endsWrite());
        assertEquals("psn_sequence", AethSyndrome.of(0x60).name());
        assertEquals("remote_access", AethSyndrome.of(0x62).name());
        assertTrue(AethSyndrome.of(0x1F).isAck());
        assertTrue(AethSyndrome.of(0x61).isNak());
        assertTrue(AethSyndrome.of(0x21).isRnrNak());
        assertEquals("nak(0x65)", AethSyndrome.of(0x65).name());
    }
}
