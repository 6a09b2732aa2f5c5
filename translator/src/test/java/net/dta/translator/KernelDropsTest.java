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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.status.TranslatorStatus;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * Issue 13 item 2: reports the kernel drops because the translator's report socket buffer is full
 * were counted nowhere. A translator whose data plane is held still (a command that blocks its
 * thread) is flooded over its real report socket: what the kernel dropped is what was sent and
 * never received, and it shows in the status and in /metrics.
 */
class KernelDropsTest {
    private static final int SENT = 80_000;

    @Test
    void reportsTheKernelDropsAtAFullReportSocketAreCountedInStatusAndMetrics() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP));
             DatagramChannel reporter = DatagramChannel.open()) {
            assertEquals(0, t.status().sockets().reportKernelDrops());
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            t.dataPlane().submit(() -> {
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(30, TimeUnit.SECONDS), "the data-plane thread is held");
            InetSocketAddress to = t.reportAddress();
            ByteBuffer report = ByteBuffer.allocate(64); // version 0: a bad report, dropped and counted once read
            for (int i = 0; i < SENT; i++) {
                reporter.send(report.clear(), to);
            }
            long drops = t.status().sockets().reportKernelDrops();
            assertTrue(drops > 0, "the report socket's buffer overflowed while the data plane was held: " + t.status().sockets());
            release.countDown();
            LoopbackDeployment.await("every datagram received or dropped by the kernel",
                    () -> t.status().sockets().reportsReceived() + t.status().sockets().reportKernelDrops() >= SENT);
            TranslatorStatus.Sockets s = t.status().sockets();
            assertEquals(SENT, s.reportsReceived() + s.reportKernelDrops(), "received + dropped by the kernel = sent: " + s);
            assertEquals(drops, s.reportKernelDrops(), "nothing more dropped once the data plane reads again");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + t.adminAddress().getHostString() + ":" + t.adminAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("dta_translator_socket_report_kernel_drops_total " + drops + ".0")
                    || metrics.contains("dta_translator_socket_report_kernel_drops_total " + drops + "\n"), metrics);
        }
    }
}
