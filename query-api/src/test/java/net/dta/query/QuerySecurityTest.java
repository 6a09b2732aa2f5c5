package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import net.dta.collector.Collector;
import net.dta.common.security.ClientSecurity;
import net.dta.common.security.GrpcSecurity;
import net.dta.common.security.ServerSecurity;
import net.dta.deployment.DeploymentLoader;
import net.dta.query.source.StatusSource;
import net.dta.query.v1.QueryServiceGrpc;
import net.dta.query.v1.StatusRequest;
import net.dta.testkit.TestCertificates;

/**
 * Issue 13 item 9 for the query service: HTTPS and gRPC over TLS, admitting a bearer token or an
 * allowed client certificate only; listening beyond loopback without them is refused.
 */
class QuerySecurityTest {
    @TempDir
    Path dir;

    @Test
    void httpsAndGrpcTlsAdmitOnlyTheTokenOrTheAllowedCertificate() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Path[] server = certs.issue("query", "127.0.0.1");
        Path[] dashboardUser = certs.issue("operator");
        Path token = certs.token("query");
        ServerSecurity security = new ServerSecurity(server[0], server[1], certs.ca, List.of("operator"), token, false);
        try (Collector collector = TestCollectors.start(dir, "c1", "127.0.78.2");
             QueryService service = QueryServices.forDataDir("c1", collector.config().dataDir(), StatusSource.none(), Duration.ofSeconds(1));
             QueryServer q = QueryServer.start(service, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0),
                     new InetSocketAddress("127.0.0.1", 0), true, null, Duration.ofSeconds(1), security, security))) {
            String base = "https://127.0.0.1:" + q.httpAddress().getPort() + "/api/v1/status";
            HttpClient anonymous = HttpClient.newBuilder().sslContext(ClientSecurity.of(certs.ca, null, null, null).sslContext()).build();
            assertEquals(401, anonymous.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> withToken = anonymous.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", "Bearer " + Files.readString(token).strip()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, withToken.statusCode(), withToken.body());
            HttpClient operator = HttpClient.newBuilder().sslContext(ClientSecurity.of(certs.ca, dashboardUser[0], dashboardUser[1], null)
                    .sslContext()).build();
            assertEquals(200, operator.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            for (ClientSecurity c : List.of(ClientSecurity.of(certs.ca, null, null, null), ClientSecurity.of(certs.ca, null, null, token))) {
                ManagedChannel ch = GrpcSecurity.configure(NettyChannelBuilder.forAddress("127.0.0.1", q.grpcAddress().getPort()), c).build();
                try {
                    var stub = QueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
                    if (c.tokenFile() == null) {
                        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.status(StatusRequest.getDefaultInstance()));
                        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
                    } else {
                        assertTrue(stub.status(StatusRequest.getDefaultInstance()).getCollectorsCount() >= 1);
                    }
                } finally {
                    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * The CLI (--tls-ca, --token-file) and a query service forwarding to a protected one
     * (collectors[].query-security in the deployment file) get answers; without the token both are
     * refused with an error that says which option is missing.
     */
    @Test
    void theCliAndAForwardingServiceReachAProtectedQueryService() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki2"));
        Path[] server = certs.issue("query", "127.0.0.1");
        Path token = certs.token("query");
        ServerSecurity security = new ServerSecurity(server[0], server[1], null, List.of(), token, false);
        try (Collector collector = TestCollectors.start(dir, "c3", "127.0.78.4");
             QueryService service = QueryServices.forDataDir("c3", collector.config().dataDir(), StatusSource.none(), Duration.ofSeconds(1));
             QueryServer q = QueryServer.start(service, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0), null, false, null,
                     Duration.ofSeconds(1), security, ServerSecurity.NONE))) {
            String target = QueryServer.hostPort(q.grpcAddress());
            String[] cli = cli("stores", "--server", target, "--tls-ca", certs.ca.toString(), "--token-file", token.toString());
            assertEquals("0", cli[0], cli[2]);
            assertTrue(cli[1].contains("queue-depth") && cli[1].contains("c3"), cli[1]);
            String[] refused = cli("stores", "--server", target, "--tls-ca", certs.ca.toString());
            assertEquals("1", refused[0], refused[1]);
            assertTrue(refused[2].contains("refused the credentials") && refused[2].contains("--token-file"), refused[2]);

            String deployment = """
                    deployment: {name: protected}
                    collectors:
                      - {name: c3, address: 127.0.78.4, query: %s, query-security: {tls-ca: %s, token-file: %s}}
                    stores:
                      - {name: queue-depth, id: 1, kind: key-write}
                    """.formatted(target, certs.ca, token);
            try (QueryService front = QueryServices.forDeployment(DeploymentLoader.parse("protected.yaml", new StringReader(deployment),
                    dir, null), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(10))) {
                assertEquals(List.of("c3"), front.stores().stores().get(0).collectors());
                assertTrue(front.status("", true).collectors().get(0).reachable(), front.status("", true).collectors().get(0).error());
            }
            String noToken = deployment.replace(", token-file: " + token, "");
            try (QueryService front = QueryServices.forDeployment(DeploymentLoader.parse("protected.yaml", new StringReader(noToken),
                    dir, null), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(10))) {
                var c3 = front.status("", true).collectors().get(0);
                assertFalse(c3.reachable());
                assertTrue(c3.error() != null && c3.error().contains("refused the credentials"), c3.error());
            }
        }
    }

    /** Runs the query CLI in this process: {exit code, stdout, stderr}. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QueryMain.doMain(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void listeningBeyondLoopbackWithoutTlsIsRefused() throws Exception {
        try (Collector collector = TestCollectors.start(dir, "c2", "127.0.78.3");
             QueryService service = QueryServices.forDataDir("c2", collector.config().dataDir(), StatusSource.none(), Duration.ofSeconds(1))) {
            IOException e = assertThrows(IOException.class, () -> QueryServer.start(service, new QueryServer.Options(null,
                    new InetSocketAddress("0.0.0.0", 0), false, null)).close());
            assertTrue(e.getMessage().contains("refusing to listen on 0.0.0.0 for the query HTTP API") && e.getMessage().contains("http.allow-insecure"),
                    e.getMessage());
        }
    }
}
