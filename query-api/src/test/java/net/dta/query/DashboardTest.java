package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.collector.Collector;
import net.dta.protocol.Keys;
import net.dta.query.source.StatusSource;
import net.dta.testkit.ExternalTools;
import net.dta.testkit.RepoPaths;

/**
 * The dashboard in Debian's headless Chromium, served by a query service over a collector that a
 * feeder keeps writing into with real RoCEv2: the page loads, its numbers move, the Append events
 * of the followed list appear, and a flow path lookup shows the expected hops. A screenshot is left
 * in query-api/target/dashboard.png.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DashboardTest {
    static final String FLOW = "10.0.0.1:8080->10.0.0.2:80/tcp";

    @TempDir
    Path dir;

    @Test
    void thePageLoadsItsNumbersMoveAndAPathLookupShowsTheHops() throws Exception {
        ExternalTools.requireChromium();
        AtomicBoolean feeding = new AtomicBoolean(true);
        try (Collector collector = TestCollectors.start(dir, "dash", "127.0.80.2");
             Feeder feeder = Feeder.connect("127.0.80.1", "127.0.80.2", 0x000103)) {
            feeder.path("paths", Keys.parse(FLOW), 0x01000010, 0x02000020, 0x03000030);
            QueryService service = QueryServices.forDataDir("dash", collector.config().dataDir(), StatusSource.inProcess(collector::status),
                    Duration.ofMillis(250));
            try (QueryServer server = QueryServer.start(service, new QueryServer.Options(null, new InetSocketAddress("127.0.0.1", 0), true,
                    null, Duration.ofMillis(250)))) {
                // A second queue pair, owned by the writing thread (a requester's buffers belong to one thread).
                Thread writer = Thread.ofPlatform().name("dashboard-feeder").start(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
                    int i = 0;
                    try (Feeder feeder2 = Feeder.connect("127.0.80.3", "127.0.80.2", 0x000104)) {
                        while (feeding.get() && System.nanoTime() < deadline) {
                            byte[] k = Keys.parse(String.format("10.9.%d.%d:1000->10.8.0.1:80/udp", (i >> 8) & 0xFF, i & 0xFF));
                            feeder2.keyWrite("queue-depth", k, i);
                            feeder2.increment("flow-bytes", k, 100);
                            if (i % 5 == 0) {
                                feeder2.append("drops", 0, 0xD0000000 + i);
                            }
                            i++;
                            Thread.sleep(2);
                        }
                    } catch (Exception e) {
                        if (feeding.get()) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                try (Chromium chrome = Chromium.start(dir)) {
                    chrome.navigate("http://" + QueryServer.hostPort(server.httpAddress()) + "/");
                    chrome.waitFor("document.querySelectorAll('#stores-table tbody tr').length === 5", 30_000);
                    chrome.waitFor("document.querySelector('#status-time').textContent.includes(':')", 10_000);

                    // Live numbers move: the operation total grows and the ingest rates are not zero.
                    long first = number(chrome.eval("document.querySelector('#total-ops').textContent"));
                    chrome.waitFor("Number(document.querySelector('#total-ops').textContent.replaceAll(',', '')) > " + first, 20_000);
                    chrome.waitFor("Number(document.querySelector('#rate-key-write').textContent.replaceAll(',', '')) > 0", 20_000);
                    chrome.waitFor("Number(document.querySelector('#rate-key-increment').textContent.replaceAll(',', '')) > 0", 20_000);
                    String fill = chrome.eval("document.querySelector('#stores-table tr[data-store=\"queue-depth\"] .fill').textContent").asText();
                    assertTrue(fill.endsWith("%") && !fill.startsWith("0.000"), fill);
                    double kwSuccess = Double.parseDouble(chrome.eval(
                            "document.querySelector('#stores-table tr[data-store=\"queue-depth\"] .kw-success').textContent").asText());
                    assertTrue(kwSuccess > 0 && kwSuccess <= 1, "implied Key-Write success probability " + kwSuccess);

                    // Recent Append events of the followed list (drops, list 0) arrive.
                    chrome.waitFor("document.querySelectorAll('#append-events li').length >= 3", 20_000);
                    assertTrue(chrome.eval("document.querySelector('#append-events li').textContent").asText().contains("d0000"));

                    // Queue-pair health: the feeder's queue pair is up.
                    chrome.waitFor("[...document.querySelectorAll('#qp-table tbody td')].some(td => td.textContent === 'RTS')", 10_000);
                    // ... named by its opaque id: the query service's status carries no QPN (docs/security.md).
                    assertTrue(chrome.eval("[...document.querySelectorAll('#qp-table tbody td')].some(td => /^qp-[0-9a-f]{8}$/.test(td.textContent))")
                            .asBoolean());

                    // A flow path lookup shows the hops written for the flow.
                    chrome.eval("document.querySelector('#path-key').value = '" + FLOW + "';"
                            + "document.querySelector('#path-form').requestSubmit(); true");
                    chrome.waitFor("document.querySelectorAll('#path-result tbody tr').length === 5", 10_000);
                    JsonNode rows = chrome.eval("[...document.querySelectorAll('#path-result tbody tr')]"
                            + ".map(tr => [...tr.children].map(td => td.textContent).join(' '))");
                    assertEquals("0 1 16 01000010 yes", rows.get(0).asText());
                    assertEquals("1 2 32 02000020 yes", rows.get(1).asText());
                    assertEquals("2 3 48 03000030 yes", rows.get(2).asText());
                    assertEquals("3   00000000 no", rows.get(3).asText());
                    assertTrue(chrome.eval("document.querySelector('#path-summary').textContent").asText().startsWith("3 valid hop(s)"));
                    assertTrue(chrome.eval("document.querySelector('#error').hidden").asBoolean(),
                            () -> "the page shows an error: " + evalQuietly(chrome, "document.querySelector('#error').textContent"));
                    chrome.screenshot(RepoPaths.root().resolve("query-api/target/dashboard.png"));
                } finally {
                    feeding.set(false);
                    writer.join(10_000);
                }
            }
        }
    }

    private static long number(JsonNode text) {
        return Long.parseLong(text.asText().replace(",", ""));
    }

    private static String evalQuietly(Chromium chrome, String expression) {
        try {
            return chrome.eval(expression).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
