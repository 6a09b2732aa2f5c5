package net.dta.query;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import net.dta.common.security.GrpcSecurity;
import net.dta.common.security.ServerSecurity;

import net.dta.common.lifecycle.LifecycleStack;
import net.dta.query.grpc.GrpcQueryService;
import net.dta.query.http.HttpQueryServer;

/**
 * A {@link QueryService} on the network: the gRPC API (Netty, plaintext), optionally an in-process
 * gRPC server (for a program embedding the service, and tests), and the HTTP server (JSON API,
 * {@code /metrics}, the dashboard). Started in that order on a {@link LifecycleStack} and closed in
 * reverse; closing the server also closes the service.
 *
 * <pre>{@code
 * QueryServer server = QueryServer.start(service, new QueryServer.Options(
 *         new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), true, null));
 * server.httpAddress();   // the bound port
 * }</pre>
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

    /**
     * @param grpc where the gRPC API listens (port 0: any free port); null: no network gRPC server
     * @param http where the HTTP API, metrics and dashboard listen; null: none
     * @param dashboard serve the dashboard under {@code /dashboard/}
     * @param inProcessName also serve gRPC in-process under this name; null: not
     * @param dashboardRefresh how often the dashboard polls the API
     */
    public record Options(InetSocketAddress grpc, InetSocketAddress http, boolean dashboard, String inProcessName,
                          java.time.Duration dashboardRefresh, ServerSecurity grpcSecurity, ServerSecurity httpSecurity) {
        public Options(InetSocketAddress grpc, InetSocketAddress http, boolean dashboard, String inProcessName,
                       java.time.Duration dashboardRefresh) {
            this(grpc, http, dashboard, inProcessName, dashboardRefresh, ServerSecurity.NONE, ServerSecurity.NONE);
        }

        /** Dashboard refresh of 1 s. */
        public Options(InetSocketAddress grpc, InetSocketAddress http, boolean dashboard, String inProcessName) {
            this(grpc, http, dashboard, inProcessName, java.time.Duration.ofSeconds(1));
        }
    }

    private final LifecycleStack stack = new LifecycleStack();
    private final QueryService service;
    private Server grpc;
    private HttpQueryServer http;

    private QueryServer(QueryService service) {
        this.service = service;
    }

    /** Starts everything or nothing (what was started is closed again on failure). */
    public static QueryServer start(QueryService service, Options options) throws IOException {
        QueryServer s = new QueryServer(service);
        try {
            s.stack.push("query service", service);
            GrpcQueryService api = new GrpcQueryService(service);
            if (options.grpc() != null) {
                options.grpcSecurity().checkListen(options.grpc().getHostString(), "the query gRPC API",
                        "read every store's telemetry", "grpc");
                Server server;
                try {
                    server = GrpcSecurity.configure(NettyServerBuilder.forAddress(options.grpc()), options.grpcSecurity())
                            .addService(ServerInterceptors.intercept(api.definition(), GrpcSecurity.admission(options.grpcSecurity())))
                            .executor(Executors.newVirtualThreadPerTaskExecutor()).build().start();
                } catch (IOException e) {
                    throw new IOException("cannot listen on " + options.grpc().getHostString() + ":" + options.grpc().getPort()
                            + " for the query gRPC API (" + e.getMessage() + "): change grpc.address, or stop what uses that port", e);
                }
                s.grpc = server;
                s.stack.push("grpc server", () -> stop(server));
            }
            if (options.inProcessName() != null) {
                Server server = InProcessServerBuilder.forName(options.inProcessName()).addService(api.definition()).directExecutor().build().start();
                s.stack.push("in-process grpc server", () -> stop(server));
            }
            if (options.http() != null) {
                s.http = s.stack.push("http server", new HttpQueryServer(service, options.http(), options.dashboard(),
                        options.dashboardRefresh(), "http.address", options.httpSecurity()));
            }
            LOG.info("query service started: gRPC {}, HTTP {}{}, {}", s.grpcAddress() == null ? "off" : hostPort(s.grpcAddress()),
                    s.httpAddress() == null ? "off" : hostPort(s.httpAddress()), options.dashboard() && s.http != null ? " (dashboard /dashboard/)" : "",
                    service.placement().describe());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void stop(Server server) throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    public static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    public QueryService service() {
        return service;
    }

    /** The bound gRPC address, or null when there is no network gRPC server. */
    public InetSocketAddress grpcAddress() {
        return grpc == null ? null : (InetSocketAddress) grpc.getListenSockets().get(0);
    }

    /** The bound HTTP address, or null when there is no HTTP server. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    @Override
    public void close() {
        stack.close();
    }
}
