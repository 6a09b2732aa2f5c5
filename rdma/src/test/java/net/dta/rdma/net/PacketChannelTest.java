package net.dta.rdma.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.wire.Icrc;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RocePacket;
import net.dta.testkit.ProtocolVectors;
import net.dta.testkit.RawSockets;

/** Real sockets on loopback: packet-io's channels carry RoCEv2 frames out and back complete, in both modes. */
class PacketChannelTest {
    static final String SUBNET = net.dta.testkit.Loopback.uniqueSubnet();
    static final int A = Ipv4.parse(SUBNET + "1");
    static final int B = Ipv4.parse(SUBNET + "2");
    static final ChannelOptions FAST = new ChannelOptions(1 << 20, 1 << 20, 50);

    /** A vector frame re-addressed from src to dst (the ICRC recomputed by the caller if needed). */
    static int putFrame(PacketBatch batch, int slot, byte[] frame, int src, int dst) {
        MemorySegment s = batch.segment();
        long off = batch.frameOffset(slot);
        MemorySegment.copy(frame, 0, s, ValueLayout.JAVA_BYTE, off, frame.length);
        s.set(net.dta.protocol.Bytes.U32, off + 26, src);
        s.set(net.dta.protocol.Bytes.U32, off + 30, dst);
        new net.dta.packetio.wire.Ipv4Header().wrap(s, off + 14).updateChecksum();
        new Icrc().store(s, off + 14, frame.length - 14 - 4);
        batch.length(slot, frame.length);
        return frame.length;
    }

    /** Receives one batch, waiting up to 40 poll timeouts for it. */
    static int receiveSome(PacketChannel ch, PacketBatch batch) {
        for (int tries = 0; tries < 40; tries++) {
            int n = ch.receive(batch);
            if (n > 0) {
                return n;
            }
        }
        return 0;
    }

    @Test
    void shouldCarryFramesBetweenUdpChannelsAndSynthesizeHeaders() throws IOException {
        byte[] kw = ProtocolVectors.load().get("kw.packet.0").bytes();
        try (UdpPacketChannel a = UdpPacketChannel.open(A, 4791, FAST);
             UdpPacketChannel b = UdpPacketChannel.open(B, 4791, FAST);
             PacketBatch out = new PacketBatch(4);
             PacketBatch in = new PacketBatch(4)) {
            assertFalse(a.seesIpHeader());
            assertTrue(a.describe().contains("NOT verified"));
            putFrame(out, 0, kw, A, B);
            putFrame(out, 1, kw, A, B);
            assertEquals(2, a.send(out, 2));
            int got = 0;
            while (got < 2) {
                int n = receiveSome(b, in);
                assertTrue(n > 0, "nothing arrived");
                for (int i = 0; i < n; i++) {
                    RocePacket p = new RocePacket();
                    assertEquals(MalformedReason.OK, p.parse(in.segment(), in.frameOffset(i), in.length(i), false));
                    assertEquals(A, p.ip().source());
                    assertEquals(B, p.ip().destination());
                    assertEquals(4791, p.udp().sourcePort(), "UDP mode sends from its bound port");
                    assertEquals(8, p.payloadLength());
                    got++;
                }
            }
            assertEquals(2, b.counters().packetsReceived());
            assertEquals(2, a.counters().packetsSent());
        }
    }

    @Test
    void shouldTimeOutWithNothingToReceive() throws IOException {
        try (UdpPacketChannel b = UdpPacketChannel.open(B, 0, FAST); PacketBatch in = new PacketBatch(2)) {
            assertEquals(0, b.receive(in));
            assertEquals(0, b.counters().receiveErrors());
        }
    }

    @Test
    void shouldNameTheProblemWhenTheAddressIsTaken() throws IOException {
        try (UdpPacketChannel a = UdpPacketChannel.open(A, 4791, FAST)) {
            IOException e = assertThrows(IOException.class, () -> UdpPacketChannel.open(A, 4791, FAST));
            assertTrue(e.getMessage().contains(SUBNET + "1:4791"), e.getMessage());
            assertTrue(e.getMessage().contains("already uses it"), e.getMessage());
        }
    }

    @Test
    void shouldDeliverExactIpHeadersAndValidIcrcsInRawMode() throws IOException {
        RawSockets.require();
        byte[] kw = ProtocolVectors.load().get("kw.packet.1").bytes();
        try (RawPacketChannel a = RawPacketChannel.open(A, 4791, FAST);
             RawPacketChannel b = RawPacketChannel.open(B, 4791, FAST);
             UdpPacketChannel other = UdpPacketChannel.open(A, 4792, FAST);
             PacketBatch out = new PacketBatch(4);
             PacketBatch in = new PacketBatch(4)) {
            assertTrue(b.seesIpHeader());
            // Noise the filter must drop: a datagram to another port of B.
            putFrame(out, 0, kw, A, B);
            MemorySegment s = out.segment();
            net.dta.protocol.Bytes.u16(s, 36, 4792);
            assertEquals(1, other.send(out, 1));
            putFrame(out, 0, kw, A, B);
            byte[] sent = out.segment().asSlice(0, kw.length).toArray(ValueLayout.JAVA_BYTE);
            assertEquals(1, a.send(out, 1));
            int n = receiveSome(b, in);
            assertEquals(1, n, "only the RoCEv2 frame passes the filter");
            byte[] got = in.segment().asSlice(0, in.length(0)).toArray(ValueLayout.JAVA_BYTE);
            // Everything after the (zeroed) MACs is what was sent: identification 0, DF, our checksum.
            assertArrayEquals(java.util.Arrays.copyOfRange(sent, 12, sent.length),
                    java.util.Arrays.copyOfRange(got, 12, got.length));
            RocePacket p = new RocePacket();
            assertEquals(MalformedReason.OK, p.parse(in.segment(), 0, in.length(0), true));
        }
    }
}
