package net.dta.rdma.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.ShardSteering;
import net.dta.packetio.UdpPacketChannel;
import net.dta.protocol.UdpFrame;
import net.dta.testkit.RawSockets;

/**
 * The kernel steers each datagram to the socket of its shard, (BTH destination QP) mod shards, as
 * the software responder's threads rely on: checked with datagrams from an ordinary UDP socket
 * whose payload word 4..7 carries a QPN under a non-zero BTH byte 4 (the mask must drop it), and a
 * payload too short to hold the word (shard 0 gets it, to count it as malformed). This is also the
 * check that a reuseport program sees the UDP payload at offset 0 (sock_reuseport.c pulls the UDP
 * header before running it): with any other offset the QPNs would land on the wrong sockets.
 */
class ShardSteeringTest {
    private static final int SHARDS = 4;
    private static final int PER_SHARD = 16;
    private static final ShardSteering BY_QPN = new ShardSteering(4, 0xFF_FFFF, SHARDS);
    private static final ChannelOptions OPTIONS = new ChannelOptions(1 << 20, 1 << 20, 20);

    @Test
    void shouldGiveEachSocketOfAReuseportGroupTheQueuePairsOfItsShard() throws Exception {
        String ip = net.dta.testkit.Loopback.uniqueSubnet() + "1";
        check(UdpPacketChannel.openSharded(Ipv4.parse(ip), 4791, OPTIONS, BY_QPN), ip);
    }

    @Test
    void shouldRefuseASecondGroupOnTheSameAddressAndPort() throws Exception {
        int ip = Ipv4.parse(net.dta.testkit.Loopback.uniqueSubnet() + "1");
        List<UdpPacketChannel> first = UdpPacketChannel.openSharded(ip, 4791, OPTIONS, BY_QPN);
        try {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> UdpPacketChannel.openSharded(ip, 4791, OPTIONS, BY_QPN), "a second group would share the packets");
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("another process already uses it"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> UdpPacketChannel.open(ip, 4791, OPTIONS).close(), "and so would a single socket");
        } finally {
            first.forEach(PacketChannel::close);
        }
    }

    @Test
    void shouldLetEachRawSocketAcceptOnlyTheQueuePairsOfItsShard() throws Exception {
        RawSockets.require();
        String ip = net.dta.testkit.Loopback.uniqueSubnet() + "1";
        check(RawPacketChannel.openSharded(Ipv4.parse(ip), 4791, OPTIONS, BY_QPN), ip);
    }

    private static void check(List<? extends PacketChannel> group, String ip) throws Exception {
        try (DatagramChannel sender = DatagramChannel.open(); PacketBatch batch = new PacketBatch(64)) {
            assertEquals(SHARDS, group.size());
            InetSocketAddress to = new InetSocketAddress(ip, 4791);
            for (int i = 0; i < SHARDS * PER_SHARD; i++) {
                ByteBuffer bth = ByteBuffer.allocate(12);
                bth.put(0, (byte) 0x64); // opcode: anything
                bth.putInt(4, 0xC0_000000 | (0x1357 * i)); // FECN/BECN bits above the 24-bit QPN
                sender.send(bth, to);
            }
            sender.send(ByteBuffer.allocate(6), to); // too short for the word
            Thread.sleep(300);
            List<String> wrong = new ArrayList<>();
            int[] received = new int[SHARDS];
            int[] shortOnes = new int[SHARDS];
            for (int s = 0; s < SHARDS; s++) {
                for (int n = group.get(s).receiveNow(batch); n > 0; n = group.get(s).receiveNow(batch)) {
                    for (int k = 0; k < n; k++) {
                        long payload = batch.frameOffset(k) + UdpFrame.PAYLOAD_OFFSET;
                        if (batch.length(k) - UdpFrame.PAYLOAD_OFFSET < 8) {
                            shortOnes[s]++;
                            continue;
                        }
                        int word = batch.segment().get(net.dta.protocol.Bytes.U32, payload + 4);
                        received[s]++;
                        if (BY_QPN.shardOf(word) != s) {
                            wrong.add("QPN 0x" + Integer.toHexString(word & 0xFF_FFFF) + " on socket " + s);
                        }
                    }
                }
            }
            assertEquals(List.of(), wrong, "every datagram on the socket of its shard");
            assertEquals(List.of(PER_SHARD, PER_SHARD, PER_SHARD, PER_SHARD),
                    java.util.Arrays.stream(received).boxed().toList(), "every datagram arrived, spread evenly");
            assertEquals(List.of(1, 0, 0, 0), java.util.Arrays.stream(shortOnes).boxed().toList(),
                    "the short one on socket 0");
        } finally {
            group.forEach(PacketChannel::close);
        }
    }
}
