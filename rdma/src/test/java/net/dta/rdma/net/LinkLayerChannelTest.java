package net.dta.rdma.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.LinkLayerChannels;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RocePacket;
import net.dta.testkit.EtherPort;
import net.dta.testkit.ProtocolVectors;
import net.dta.testkit.VethNamespaces;

/**
 * The link-layer channels (xdp mode: AF_XDP, and its fallback, the TPACKET_V3 ring) between two
 * network namespaces on a veth pair that carries exactly the vectors' addresses and MACs
 * (10.0.0.1 02:00:00:00:00:01, 10.0.0.2 02:00:00:00:00:02): every packet vector of
 * docs/protocol.md sent through a channel arrives on the other side byte for byte as the vector,
 * and a vector frame put on the wire arrives in a channel byte for byte. The other side is a plain
 * AF_PACKET socket ({@link EtherPort}), which shares no code with the channels.
 */
class LinkLayerChannelTest {
    static final ChannelOptions OPTIONS = new ChannelOptions(1 << 20, 1 << 20, 50);
    private VethNamespaces net;

    @BeforeEach
    void createNamespaces() throws IOException {
        VethNamespaces.require();
        net = VethNamespaces.create("10.0.0.1", "02:00:00:00:00:01", "10.0.0.2", "02:00:00:00:00:02");
    }

    @AfterEach
    void deleteNamespaces() {
        if (net != null) {
            net.close();
        }
    }

    static List<byte[]> vectorPackets() {
        List<byte[]> frames = new ArrayList<>();
        for (ProtocolVectors.Vector v : ProtocolVectors.load().withPrefix("")) {
            if (v.name().contains(".packet.")) {
                frames.add(v.bytes());
            }
        }
        assertTrue(frames.size() >= 8, "docs/protocol.md's packet vectors");
        return frames;
    }

    static PacketChannel open(String path, String address) throws IOException {
        System.setProperty(LinkLayerChannels.PATH_PROPERTY, path);
        try {
            return LinkLayerChannels.open(Ipv4.parse(address), 4791, OPTIONS);
        } finally {
            System.clearProperty(LinkLayerChannels.PATH_PROPERTY);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp", "ring"})
    void shouldPutEveryVectorOnTheWireByteForByte(String path) throws Exception {
        List<byte[]> vectors = vectorPackets();
        try (PacketChannel channel = net.inA(() -> open(path, "10.0.0.1"));
             EtherPort wire = net.inB(() -> EtherPort.open(net.interfaceB, 200));
             PacketBatch out = new PacketBatch(vectors.size())) {
            assertTrue(channel.describe().contains(path.equals("xdp") ? "AF_XDP" : "TPACKET_V3"), channel.describe());
            for (int i = 0; i < vectors.size(); i++) {
                put(out, i, vectors.get(i));
            }
            // A fresh namespace knows no neighbour: the first frame goes through the kernel, which
            // resolves 10.0.0.2 (its ARP reply must pass the XDP program to the stack) and sends it.
            assertEquals(1, channel.send(out, 1), "sent through the kernel");
            assertEquals(1, channel.counters().neighbourUnresolved());
            List<byte[]> seen = new ArrayList<>();
            for (byte[] f = wire.receive(); f != null && seen.isEmpty(); f = wire.receive()) {
                if (isRoce(f)) {
                    seen.add(f);
                }
            }
            assertEquals(1, seen.size(), "the frame the kernel sent once the neighbour answered");
            assertEquals(vectors.size(), channel.send(out, vectors.size()), "every vector sent");
            assertEquals(1, channel.counters().neighbourUnresolved(), "now from the channel itself");
            for (byte[] f = wire.receive(); f != null && seen.size() < 1 + vectors.size(); f = wire.receive()) {
                if (isRoce(f)) {
                    seen.add(f);
                }
            }
            assertEquals(1 + vectors.size(), seen.size(), "frames captured on the other end");
            // The kernel's copy went out as the raw mode's would: byte for byte the vector too.
            assertEquals(HexFormat.of().formatHex(vectors.getFirst()), HexFormat.of().formatHex(seen.removeFirst()), "via the kernel");
            for (int i = 0; i < vectors.size(); i++) {
                assertEquals(HexFormat.of().formatHex(vectors.get(i)), HexFormat.of().formatHex(seen.get(i)), "vector " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp", "ring"})
    void shouldReceiveEveryVectorByteForByteAndNothingElse(String path) throws Exception {
        List<byte[]> vectors = vectorPackets();
        try (PacketChannel channel = net.inB(() -> open(path, "10.0.0.2"));
             EtherPort wire = net.inA(() -> EtherPort.open(net.interfaceA, 200));
             PacketBatch in = new PacketBatch(64)) {
            // Noise first: the same frame to another UDP port must not reach the channel.
            byte[] otherPort = vectors.getFirst().clone();
            otherPort[36] = 0x12;
            otherPort[37] = (byte) 0xB8;
            wire.send(otherPort);
            for (byte[] v : vectors) {
                wire.send(v);
            }
            List<byte[]> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5000;
            while (got.size() < vectors.size() && System.currentTimeMillis() < deadline) {
                int n = channel.receive(in);
                for (int i = 0; i < n; i++) {
                    got.add(in.segment().asSlice(in.frameOffset(i), in.length(i)).toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertEquals(vectors.size(), got.size(), "vector frames received");
            assertEquals(0, channel.receive(in), "and nothing else (the other port's frame went to the kernel)");
            for (int i = 0; i < vectors.size(); i++) {
                assertArrayEquals(vectors.get(i), got.get(i), "vector " + i);
                RocePacket p = new RocePacket();
                MemorySegment s = MemorySegment.ofArray(got.get(i));
                assertEquals(MalformedReason.OK, p.parse(s, 0, got.get(i).length, true), "ICRC verified, vector " + i);
            }
            assertTrue(channel.seesIpHeader());
        }
    }

    static void put(PacketBatch batch, int slot, byte[] frame) {
        MemorySegment.copy(frame, 0, batch.segment(), ValueLayout.JAVA_BYTE, batch.frameOffset(slot), frame.length);
        batch.length(slot, frame.length);
    }

    static boolean isRoce(byte[] f) {
        return f.length > 42 && f[12] == 0x08 && f[13] == 0 && f[23] == 17 && (f[36] & 0xFF) == 0x12 && (f[37] & 0xFF) == 0xB7;
    }
}
