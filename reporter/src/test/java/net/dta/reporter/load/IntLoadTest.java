package net.dta.reporter.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dta.reporter.ReporterMain;

/**
 * {@code reporter load --format int} over a real UDP socket: every datagram is a Telemetry Report
 * v2.0 group with one INT report (docs/int.md), sink reports carry paths of 1-6 hops whose lengths
 * agree with every length field, and drop and queue reports come in their share.
 */
class IntLoadTest {
    @Test
    void sendsTelemetryReportsWithPathsOfOneToSixHops() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setReceiveBufferSize(4 << 20);
            receiver.setSoTimeout(5000);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = ReporterMain.doMain(new PrintWriter(out), new PrintWriter(err), "load", "--format", "int", "--to",
                    "127.0.0.1:" + receiver.getLocalPort(), "--rate", "20k", "--count", "2000", "--int-drop-share", "0.1", "--quiet");
            assertEquals(0, code, err.toString());
            assertTrue(out.toString().contains("sent 2,000 INT datagrams"), out.toString());
            Map<Integer, Integer> pathLengths = new HashMap<>();
            int drops = 0;
            int queues = 0;
            byte[] buf = new byte[2048];
            for (int i = 0; i < 2000; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                receiver.receive(p);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                assertEquals(2, (b.get(0) & 0xFF) >>> 4, "telemetry report version");
                int words = b.get(9) & 0xFF;
                assertEquals(p.getLength(), 8 + 4 + 4 * words, "one report filling the datagram");
                assertEquals(1, (b.get(8) & 0xFF) >>> 4, "RepType INT");
                int flags = b.get(11) & 0xFF;
                if (flags == 0x80) {
                    drops++;
                } else if (flags == 0x40) {
                    queues++;
                } else {
                    assertEquals(0x20, flags);
                    // Sink report: 2 words of local metadata, IPv4 + UDP, then the shim's length in words.
                    int shimWords = b.get(20 + 8 + 20 + 8 + 1) & 0xFF;
                    int stackHops = (4 * shimWords - 12) / 12;
                    assertEquals(4 * shimWords, 12 + 12 * stackHops, "whole hops in the stack");
                    pathLengths.merge(stackHops + 1, 1, Integer::sum);
                }
            }
            assertEquals(java.util.Set.of(1, 2, 3, 4, 5, 6), pathLengths.keySet(), "paths of 1-6 hops: " + pathLengths);
            assertTrue(drops > 100 && drops < 320, "about 10% drop reports: " + drops);
            assertTrue(queues > 100 && queues < 320, "about 10% queue reports: " + queues);
        }
    }
}
