package net.dta.translator.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.testkit.ExternalTools;

/**
 * tshark has no INT dissector (docs/int.md), but it decodes the truncated packets our vectors carry:
 * written as captures cut at the truncation (captured length below the IPv4 length, as a switch's
 * report cuts them), their IPv4 headers (checksum verified), addresses, TTLs and transport ports
 * must be what the flow keys of the vectors' DTA reports say.
 */
class IntVectorTsharkTest {
    @TempDir
    Path dir;

    @Test
    void tsharkDecodesTheReportedPacketsAsTheFlowKeysSay() throws Exception {
        ExternalTools.requireTshark();
        String[] names = {"int.md", "int.xd", "int.drop", "int.queue"};
        List<byte[]> packets = new ArrayList<>();
        for (String name : names) {
            byte[] d = IntVectorTest.VECTORS.get(name + ".datagram").bytes();
            int p = 8;
            while (p < d.length) {
                int words = d[p + 1] & 0xFF;
                int mdWords = d[p + 2] & 0xFF;
                int inner = p + 12 + 4 * mdWords;
                int end = p + 4 + 4 * words;
                byte[] ip = java.util.Arrays.copyOfRange(d, inner, end);
                packets.add(ip);
                p = end;
            }
        }
        Path pcap = write(dir.resolve("inner.pcap"), packets);
        List<String> rows = ExternalTools.tsharkFields(pcap, List.of("-o", "ip.check_checksum:TRUE"), "ip.src", "ip.dst", "ip.ttl",
                "ip.proto", "ip.checksum.status", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport");
        // ip.checksum.status 1: good (Wireshark's 0 bad, 1 good, 2 unverified).
        assertEquals(List.of(
                // INT-MD: the INT UDP header (source port kept, destination the INT port 5000); the original TCP ports follow the stack.
                "10.0.1.1|10.0.2.2|61|17|1|40000|5000||",
                "10.0.1.7|10.0.3.3|64|17|1|53000|53||",
                "10.0.1.9|10.0.4.4|63|6|1|||41000|5201",
                "10.0.1.1|10.0.2.2|61|6|1|||40000|443",
                "10.0.1.9|10.0.4.4|63|6|1|||41000|5201"), rows);
        // The flow keys the ingest made of the same packets (first DTA report of each case).
        assertEquals("0a0001010a0002029c4001bb06", IntVectorTest.VECTORS.get("int.md.dta").lines().get(0).substring(16, 42));
        assertEquals("0a0001070a000303cf08003511", IntVectorTest.VECTORS.get("int.xd.dta").lines().get(0).substring(16, 42));
        assertEquals("0a0001090a000404a028145106", IntVectorTest.VECTORS.get("int.xd.dta").lines().get(2).substring(16, 42));
    }

    /** A raw-IPv4 capture (LINKTYPE_RAW) whose records say the packets were longer than captured (their IPv4 length). */
    static Path write(Path file, List<byte[]> packets) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
            out.write(h.array());
            int t = 0;
            for (byte[] p : packets) {
                int original = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
                ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                r.putInt(t++).putInt(0).putInt(p.length).putInt(Math.max(original, p.length));
                out.write(r.array());
                out.write(p);
            }
        }
        return file;
    }
}
