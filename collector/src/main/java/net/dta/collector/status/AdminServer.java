package net.dta.collector.status;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The admin HTTP endpoint: {@code /status} (JSON), {@code /metrics} (Prometheus text) and
 * {@code /health}. Both views are computed on request from the live counters; nothing on the
 * RDMA path waits for them. Serves on two daemon threads.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<CollectorStatus> status;
    private final CollectorMetrics metrics;

    public AdminServer(String host, int port, Supplier<CollectorStatus> status, CollectorMetrics metrics) throws IOException {
        this.status = status;
        this.metrics = metrics;
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for the admin endpoint (" + e.getMessage()
                    + "): change admin.address, or stop what uses that port", e);
        }
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dta-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/status", ex -> respond(ex, "application/json", () -> StatusJson.write(status.get())));
        server.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4; charset=utf-8",
                () -> metrics.scrape(status.get()).getBytes(StandardCharsets.UTF_8)));
        server.createContext("/health", ex -> respond(ex, "text/plain", () -> "ok\n".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                send(ex, 404, "text/plain", "not found: try /status, /metrics or /health\n".getBytes(StandardCharsets.UTF_8));
            } else {
                send(ex, 200, "text/plain", "DTA collector admin endpoint: /status (JSON), /metrics (Prometheus), /health\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
    }

    /** The bound address (the real port when the configuration asked for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private interface Body {
        byte[] get() throws IOException;
    }

    private void respond(HttpExchange ex, String type, Body body) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            send(ex, 405, "text/plain", "only GET\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes;
        try {
            bytes = body.get();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", ex.getRequestURI(), e.toString(), e);
            send(ex, 500, "text/plain", ("error: " + e + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, type, bytes);
    }

    private static void send(HttpExchange ex, int code, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(code, head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
