package net.dta.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import org.junit.jupiter.api.Test;

import net.dta.protocol.report.DropReason;
import net.dta.packetio.PacketBatch;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * Issue 13 item 10: a report datagram longer than the protocol's maximum was dropped and counted
 * only in a socket counter that neither /metrics nor the status showed. It is now a report drop
 * with its own protocol.md 2.5 reason, {@code oversized}.
 */
class OversizedReportTest {
    @Test
    void theMaximumIsWhatOneBatchSlotHolds() {
        assertEquals(PacketBatch.DEFAULT_SLOT_BYTES - (14 + 20 + 8), DropReason.MAX_DATAGRAM_BYTES, "a batch slot less the Ethernet, IPv4 and UDP headers");
    }

    @Test
    void aDatagramOverTheMaximumIsCountedAsAnOversizedDropInStatusAndMetrics() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP));
             DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = t.reportAddress();
            ch.send(ByteBuffer.allocate(DropReason.MAX_DATAGRAM_BYTES + 1), to);
            ch.send(ByteBuffer.allocate(9000), to);
            ch.send(ByteBuffer.allocate(DropReason.MAX_DATAGRAM_BYTES), to); // parsed: a bad report (version 0), not oversized
            LoopbackDeployment.await("two oversized drops", () -> t.status().reports().dropped().get("oversized") == 2);
            LoopbackDeployment.await("one bad_version drop", () -> t.status().reports().dropped().get("bad_version") == 1);
            InetSocketAddress admin = t.adminAddress();
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin.getHostString() + ":" + admin.getPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("dta_translator_report_drops_total{reason=\"oversized\"} 2"), metrics);
        }
    }
}
