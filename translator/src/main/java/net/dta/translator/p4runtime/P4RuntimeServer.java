package net.dta.translator.p4runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import net.dta.common.security.GrpcSecurity;
import net.dta.common.security.ServerSecurity;

/**
 * The gRPC server carrying the {@link P4RuntimeService}: over TCP (grpc-netty-shaded) for
 * controllers, or in-process for tests in the same JVM.
 */
public final class P4RuntimeServer implements AutoCloseable {
    /**
     * The largest request (RESOURCE_EXHAUSTED beyond): the translator's P4Info is ~30 KiB and a
     * Write of {@link P4RuntimeService#MAX_UPDATES_PER_WRITE} table entries under 1 MiB; a 20 MiB
     * Write once exhausted the heap (issue 13). Answers (Read) are not limited by this.
     */
    public static final int MAX_REQUEST_BYTES = 4 << 20;
    /** Concurrent RPCs per connection: a client cannot queue unbounded requests (and their memory). */
    public static final int MAX_CALLS_PER_CONNECTION = 16;

    private final Server server;
    private final InetSocketAddress address;
    private final String inProcessName;

    private P4RuntimeServer(Server server, InetSocketAddress address, String inProcessName) {
        this.server = server;
        this.address = address;
        this.inProcessName = inProcessName;
    }

    /** Listens on host:port (port 0: any free port), plain TCP: loopback only. */
    public static P4RuntimeServer listen(P4RuntimeService service, String host, int port) throws IOException {
        return listen(service, host, port, ServerSecurity.NONE);
    }

    /**
     * Listens with TLS and client admission (docs/security.md): with a client CA only a client with
     * an allowed certificate can make any call, so only the deployment's controller can arbitrate,
     * become primary and write. Beyond loopback without them it refuses unless allow-insecure.
     */
    public static P4RuntimeServer listen(P4RuntimeService service, String host, int port, ServerSecurity security) throws IOException {
        security.checkListen(host, "the translator's P4Runtime server", "become the primary controller and reprogram the translator "
                + "(redirect or drop all telemetry)", "p4runtime");
        Server s = GrpcSecurity.configure(NettyServerBuilder.forAddress(new InetSocketAddress(host, port)), security)
                .addService(ServerInterceptors.intercept(service, GrpcSecurity.admission(security)))
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .build();
        try {
            s.start();
        } catch (IOException e) {
            throw new IOException("cannot listen for P4Runtime on " + host + ":" + port + " (" + e.getMessage()
                    + "): change p4runtime.address, or stop what uses that port", e);
        }
        InetSocketAddress bound = (InetSocketAddress) s.getListenSockets().get(0);
        return new P4RuntimeServer(s, new InetSocketAddress(host, bound.getPort()), null);
    }

    /** An in-process server under a unique name (connect with InProcessChannelBuilder.forName(name)). */
    public static P4RuntimeServer inProcess(P4RuntimeService service, String name) throws IOException {
        Server s = InProcessServerBuilder.forName(name).addService(service).directExecutor()
                .maxInboundMessageSize(MAX_REQUEST_BYTES).build().start();
        return new P4RuntimeServer(s, null, name);
    }

    /** The TCP address, or null for an in-process server. */
    public InetSocketAddress address() {
        return address;
    }

    public String inProcessName() {
        return inProcessName;
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
