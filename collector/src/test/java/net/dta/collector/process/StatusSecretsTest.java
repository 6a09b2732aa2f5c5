package net.dta.collector.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.collector.Collector;
import net.dta.collector.CollectorTestSupport;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.status.CollectorStatus;
import net.dta.common.status.StatusJson;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.testkit.TestCmSecret;

/**
 * Issue 13 item 6: whoever can read a collector's /status without proving who they are must not
 * learn what a blind injection needs (rkeys, region addresses, QPNs, PSNs); an authenticated reader
 * sees them. A real collector (software responder, UDP ingest) with a queue pair connected through
 * RDMA CM by a requester, read over HTTP.
 */
class StatusSecretsTest {
    static final String SUBNET = net.dta.testkit.Loopback.uniqueSubnet();
    static final String COLLECTOR_IP = SUBNET + "2";
    static final String REQUESTER_IP = SUBNET + "1";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anEndpointWithoutClientAuthenticationServesNoRkeyQpnPsnOrRegionAddress() throws Exception {
        try (Collector c = start(""); TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x00A1C3)) {
            connect(translator);
            String base = "http://127.0.0.1:" + c.adminAddress().getPort();
            HttpResponse<String> status = get(base + "/status", null);
            assertEquals(200, status.statusCode());
            String body = status.body();
            for (String s : Stream.concat(secrets(c.status(), translator, false).stream(),
                    secrets(c.status(), translator, true).stream()).toList()) {
                assertFalse(body.toLowerCase(Locale.ROOT).contains(s), "secret " + s + " in an unauthenticated /status:\n" + body);
            }
            for (String field : List.of("\"qpn\"", "\"remote_qpn\"", "\"expected_psn\"", "\"rkey\"", "\"rkeys\"", "\"va\"")) {
                assertFalse(body.contains(field), field + " in an unauthenticated /status:\n" + body);
            }
            JsonNode j = StatusJson.MAPPER.readTree(body);
            assertEquals("RTS", j.at("/queue_pairs/0/state").asText(), "the rest of the document is there");
            assertTrue(j.at("/queue_pairs/0/id").asText().matches("qp-[0-9a-f]{8}"), body);
            assertTrue(j.get(StatusJson.REDACTED).asText().contains("token-file"), "says why and how to see them: " + body);
            assertEquals(5, j.get("stores").size());

            String metrics = get(base + "/metrics", null).body();
            assertTrue(metrics.contains("dta_collector_queue_pair_up{qp=\"" + j.at("/queue_pairs/0/id").asText()), metrics);
            for (String s : secrets(c.status(), translator, true)) {
                assertFalse(metrics.toLowerCase(Locale.ROOT).contains(s), "secret " + s + " in /metrics:\n" + metrics);
            }
        }
    }

    @Test
    void anAuthenticatedRequestSeesThemAndAnUnauthenticatedOneNothing() throws Exception {
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        try (Collector c = start(", token-file: admin.token");
             TestRequester translator = new TestRequester(REQUESTER_IP, COLLECTOR_IP, 0x00B2D4)) {
            connect(translator);
            String base = "http://127.0.0.1:" + c.adminAddress().getPort();
            assertEquals(401, get(base + "/status", null).statusCode());
            HttpResponse<String> status = get(base + "/status", TOKEN);
            assertEquals(200, status.statusCode());
            String body = status.body().toLowerCase(Locale.ROOT);
            for (String s : secrets(c.status(), translator, false)) {
                assertTrue(body.contains(s), "secret " + s + " missing from an authenticated /status:\n" + body);
            }
            JsonNode j = StatusJson.MAPPER.readTree(status.body());
            assertEquals(translator.remoteQpn(), j.at("/queue_pairs/0/qpn").asInt());
            assertTrue(j.path(StatusJson.REDACTED).isMissingNode(), status.body());
        }
    }

    private Collector start(String adminExtra) throws Exception {
        Path config = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(config, "collector: {name: secrets}\nnetwork: {address: " + COLLECTOR_IP + ", ingest: udp}\n"
                + "data-dir: data\nadmin: {address: 127.0.0.1:0" + adminExtra + "}\n"
                + TestCmSecret.COLLECTOR_YAML + CollectorTestSupport.VECTOR_STORES);
        return Collector.start(ConfigLoader.load(config), new DefaultBackends());
    }

    /** Connects and writes once, so that PSNs have moved and every counter has a value. */
    private static void connect(TestRequester translator) throws Exception {
        ConnectReplyData rep = translator.connect(40041, 0x00C0DE);
        Catalog.decode(translator.read(rep.catalogVa(), rep.catalogRkey(), rep.catalogLength()));
    }

    /**
     * Every secret of the collector's full status as its JSON spells it (numbers in decimal, addresses and rkeys in
     * hex text), and with {@code hex} the numbers as hex text too (how a metric label or a CLI would show them).
     */
    private static List<String> secrets(CollectorStatus s, TestRequester translator, boolean hex) {
        List<String> out = new ArrayList<>();
        out.add(s.catalog().va());
        out.add(s.catalog().rkey());
        for (CollectorStatus.Store st : s.stores()) {
            out.add(st.va());
            out.addAll(st.rkeys());
        }
        for (CollectorStatus.QueuePair q : s.queuePairs()) {
            for (int v : new int[] {q.qpn(), q.remoteQpn(), q.expectedPsn()}) {
                out.add(hex ? "0x" + Integer.toHexString(v) : ": " + v + ",");
            }
        }
        assertEquals(translator.remoteQpn(), s.queuePairs().get(0).qpn(), "the status names the connected queue pair");
        return out.stream().map(x -> x.toLowerCase(Locale.ROOT)).toList();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
