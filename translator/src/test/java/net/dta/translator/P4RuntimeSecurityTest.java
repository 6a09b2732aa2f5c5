package net.dta.translator;

import static net.dta.p4.TranslatorP4Names.REG_APPEND_TAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import net.dta.common.admin.AdminClient;
import net.dta.common.security.ClientSecurity;
import net.dta.common.security.ServerSecurity;
import net.dta.testkit.TestCertificates;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.testing.TestController;
import p4.v1.P4RuntimeOuterClass.WriteRequest;

/**
 * Issue 13 items 8 and 9, on real sockets with real certificates. The P4Runtime specification lets
 * any client that knows the primary's election id write (the id is announced to every client) and
 * lets a higher id take over: the defence is authentication. With mTLS and allowed-clients only the
 * deployment's controller gets any call through; everyone else is refused before arbitration.
 */
class P4RuntimeSecurityTest {
    /** Its own loopback address: parallel builds each bind their translator's port 4791. */
    private static final String HOST = net.dta.testkit.Loopback.uniqueSubnet() + "1";

    @TempDir
    Path dir;

    @Test
    void onlyTheDeploymentsControllerCertificateCanArbitrateOrWrite() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Path[] server = certs.issue("translator", HOST);
        Path[] controller = certs.issue("controller");
        Path[] intruder = certs.issue("intruder"); // signed by the same CA, but not the allowed name
        Path[] stranger = certs.selfSigned("controller"); // the right name, from nobody's CA
        ServerSecurity mtls = new ServerSecurity(server[0], server[1], certs.ca, List.of("controller"), null, false);
        TranslatorConfig cfg = TranslatorConfig.forTest(HOST, Mode.UDP).withP4RuntimeSecurity(mtls);
        try (Translator t = Translator.start(cfg);
             TestController primary = TestController.tls(t.p4runtimeAddress(), 10, ClientSecurity.of(certs.ca, controller[0], controller[1], null))) {
            assertEquals(0, primary.arbitrate().getStatus().getCode(), "the controller is primary");
            primary.setPipeline();
            primary.write(primary.register(REG_APPEND_TAIL, 0, 1));

            // What the campaign did: a Write with the primary's election id, and a higher election id.
            try (TestController evil = TestController.tls(t.p4runtimeAddress(), 10, ClientSecurity.of(certs.ca, intruder[0], intruder[1], null))) {
                StatusRuntimeException write = assertThrows(StatusRuntimeException.class, () -> evil.stub().write(WriteRequest.newBuilder()
                        .setDeviceId(TestController.DEVICE_ID).setElectionId(primary.election())
                        .addUpdates(evil.register(REG_APPEND_TAIL, 0, 2)).build()));
                assertEquals(Status.Code.PERMISSION_DENIED, write.getStatus().getCode(), write.toString());
                assertTrue(write.getStatus().getDescription().contains("\"intruder\" is not among the allowed clients"),
                        write.getStatus().getDescription());
            }
            try (TestController takeover = TestController.tls(t.p4runtimeAddress(), 1000, ClientSecurity.of(certs.ca, intruder[0], intruder[1], null))) {
                assertThrows(AssertionError.class, takeover::arbitrate, "no arbitration answer for a refused client");
            }
            for (ClientSecurity other : List.of(ClientSecurity.of(certs.ca, stranger[0], stranger[1], null),
                    ClientSecurity.of(certs.ca, null, null, null))) {
                try (TestController c = TestController.tls(t.p4runtimeAddress(), 1000, other)) {
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.stub().capabilities(
                            p4.v1.P4RuntimeOuterClass.CapabilitiesRequest.getDefaultInstance()));
                    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "the TLS handshake fails: " + e);
                }
            }
            try (TestController plain = TestController.tcp(t.p4runtimeAddress(), 1000)) {
                assertThrows(StatusRuntimeException.class, () -> plain.stub().capabilities(
                        p4.v1.P4RuntimeOuterClass.CapabilitiesRequest.getDefaultInstance()));
            }
            assertEquals(1, t.p4runtime().clients(), "only the controller arbitrated");
            assertEquals("10", t.p4runtime().primary());
            assertEquals(1, t.pipeline().registers().get(net.dta.translator.pipeline.Registers.APPEND_TAIL, 0), "the intruder wrote nothing");
        }
    }

    @Test
    void listeningBeyondLoopbackWithoutTlsAndAuthenticationIsRefusedUnlessAllowed() {
        TranslatorConfig open = TranslatorConfig.forTest(HOST, Mode.UDP).withP4Runtime("0.0.0.0", 0);
        TranslatorStartException e = assertThrows(TranslatorStartException.class, () -> Translator.start(open).close());
        assertTrue(e.getMessage().contains("refusing to listen on 0.0.0.0 for the translator's P4Runtime server without TLS"),
                e.getMessage());
        assertTrue(e.getMessage().contains("reprogram the translator") && e.getMessage().contains("p4runtime.allow-insecure"),
                e.getMessage());
    }

    @Test
    void theAdminEndpointOverHttpsAdmitsTheTokenOrTheClientCertificateOnly() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Path[] server = certs.issue("translator", HOST);
        Path[] operator = certs.issue("operator");
        Path token = certs.token("admin");
        ServerSecurity admin = new ServerSecurity(server[0], server[1], certs.ca, List.of("operator"), token, false);
        TranslatorConfig cfg = TranslatorConfig.forTest(HOST, Mode.UDP);
        cfg = cfg.withAdmin(new TranslatorConfig.Admin(true, HOST, 0, admin));
        try (Translator t = Translator.start(cfg)) {
            String address = HOST + ":" + t.adminAddress().getPort();
            // No credentials: 401 over TLS (the certificate is asked for, not required, since a token also admits).
            HttpClient anonymous = HttpClient.newBuilder().sslContext(ClientSecurity.of(certs.ca, null, null, null).sslContext()).build();
            HttpResponse<String> r = anonymous.send(HttpRequest.newBuilder(URI.create("https://" + address + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), r.body());
            HttpResponse<String> wrong = anonymous.send(HttpRequest.newBuilder(URI.create("https://" + address + "/metrics"))
                    .header("Authorization", "Bearer 0123456789abcdef0123").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode(), wrong.body());
            // The CLI's way: the token, or the operator's certificate.
            byte[] withToken = AdminClient.get(address, "/status", 5, "translator", ClientSecurity.of(certs.ca, null, null, token));
            assertTrue(new String(withToken).contains("\"p4runtime\""));
            byte[] withCert = AdminClient.get(address, "/status", 5, "translator", ClientSecurity.of(certs.ca, operator[0], operator[1], null));
            assertTrue(new String(withCert).contains("\"p4runtime\""));
            assertEquals(200, anonymous.send(HttpRequest.newBuilder(URI.create("https://" + address + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "/health stays open for load balancers and supervisors");
        }
    }
}
