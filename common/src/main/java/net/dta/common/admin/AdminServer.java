package net.dta.common.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import net.dta.common.security.HttpSecurity;
import net.dta.common.security.ServerSecurity;
import net.dta.common.status.StatusJson;

/**
 * A component's admin HTTP endpoint (status JSON, Prometheus metrics, health). Views are computed
 * on request from live counters; nothing on a data path waits for them. Serves GET/HEAD on two
 * daemon threads; {@code /} lists the registered paths.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    public static final String JSON = "application/json";
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";

    /** Produces a response body. */
    @FunctionalInterface
    public interface Body {
        byte[] get() throws IOException;
    }

    private final HttpServer server;
    private final HttpSecurity http;
    /** Every admitted request proved who it is (token or client certificate): /status may show secrets. */
    private final boolean authenticated;
    private final ExecutorService executor;
    private final String title;
    private final Map<String, String> paths = new TreeMap<>();
    private volatile Supplier<String> problem = () -> null;

    /**
     * @param title what this endpoint belongs to, e.g. "DTA collector"
     * @param configField the configuration field that sets the address, named in errors
     */
    public AdminServer(String title, String host, int port, String configField) throws IOException {
        this(title, host, port, configField, ServerSecurity.NONE);
    }

    /**
     * @param security TLS and client authentication (docs/security.md); listening beyond loopback
     *                 without them is refused unless the section's allow-insecure is set
     */
    public AdminServer(String title, String host, int port, String configField, ServerSecurity security) throws IOException {
        this.title = title;
        String section = configField.contains(".") ? configField.substring(0, configField.lastIndexOf('.')) : configField;
        security.checkListen(host, "the " + title + " admin endpoint", "read its status and metrics", section);
        this.http = new HttpSecurity(security, title);
        this.authenticated = security.authenticatesClients();
        try {
            this.server = http.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for the " + title + " admin endpoint ("
                    + e.getMessage() + "): change " + configField + ", or stop what uses that port", e);
        }
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dta-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", this::health);
        paths.put("/health", "liveness: 200 ok, or 503 naming what stopped");
        server.createContext("/", ex -> {
            if (!admitted(ex)) {
                return;
            }
            if (!ex.getRequestURI().getPath().equals("/")) {
                send(ex, 404, TEXT, ("not found: try " + String.join(", ", paths.keySet()) + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            StringBuilder b = new StringBuilder(title).append(" admin endpoint\n");
            paths.forEach((p, what) -> b.append("  ").append(p).append("  ").append(what).append('\n'));
            send(ex, 200, TEXT, b.toString().getBytes(StandardCharsets.UTF_8));
        });
        server.start();
    }

    /** Serves GET {@code path} with the body's bytes. */
    public synchronized AdminServer get(String path, String contentType, String description, Body body) {
        paths.put(path, description);
        server.createContext(path, ex -> respond(ex, contentType, body));
        return this;
    }

    /**
     * Serves GET /status: the record as JSON ({@link StatusJson}), its {@link net.dta.common.status.Secret}
     * fields (rkeys, region addresses, QPNs, PSNs) only when this endpoint authenticates its clients, since
     * then every request that gets an answer proved who it is; without client authentication (the loopback
     * default) every request gets the redacted document (docs/security.md, "What status shows").
     */
    public AdminServer status(Supplier<?> status) {
        return get("/status", JSON, "status (JSON)" + (authenticated ? "" : "; rkeys, QPNs and PSNs left out (no client authentication)"),
                () -> StatusJson.write(status.get(), authenticated));
    }

    /** Handles a POST body; answers with a status code and a text. */
    @FunctionalInterface
    public interface PostHandler {
        Answer handle(byte[] body) throws IOException;
    }

    /** An answer to a POST: the HTTP status and a one-line text. */
    public record Answer(int status, String text) {
    }

    /** The largest POST body accepted (announcements are a few hundred bytes). */
    public static final int MAX_POST_BYTES = 64 * 1024;

    /**
     * Serves POST {@code path} (same TLS and credentials as every view: docs/security.md). A body
     * over {@link #MAX_POST_BYTES} is refused with 413 before it is handed on.
     */
    public synchronized AdminServer post(String path, String description, PostHandler handler) {
        paths.put(path, description);
        server.createContext(path, ex -> {
            if (!admitted(ex)) {
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, TEXT, "only POST\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = ex.getRequestBody().readNBytes(MAX_POST_BYTES + 1);
            if (body.length > MAX_POST_BYTES) {
                send(ex, 413, TEXT, ("at most " + MAX_POST_BYTES + " bytes\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            Answer a;
            try {
                a = handler.handle(body);
            } catch (IOException | RuntimeException e) {
                LOG.error("{} failed: {}", ex.getRequestURI(), e.toString(), e);
                a = new Answer(500, "error: " + e);
            }
            send(ex, a.status(), TEXT, (a.text() + "\n").getBytes(StandardCharsets.UTF_8));
        });
        return this;
    }

    /**
     * What /health checks: the supplier names what is broken (an essential thread that stopped),
     * or returns null when all is well. /health then answers 503 with that text.
     */
    public AdminServer health(Supplier<String> problem) {
        this.problem = problem;
        return this;
    }

    private void health(HttpExchange ex) throws IOException {
        String p;
        try {
            p = problem.get();
        } catch (RuntimeException e) {
            p = "the health check failed: " + e;
        }
        if (p == null) {
            send(ex, 200, TEXT, "ok\n".getBytes(StandardCharsets.UTF_8));
        } else {
            send(ex, 503, TEXT, ("unhealthy: " + p + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The bound address (the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private boolean admitted(HttpExchange ex) throws IOException {
        return http.admit(ex);
    }

    private void respond(HttpExchange ex, String type, Body body) throws IOException {
        if (!admitted(ex)) {
            return;
        }
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            send(ex, 405, TEXT, "only GET\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes;
        try {
            bytes = body.get();
        } catch (IOException | RuntimeException e) {
            LOG.error("{} failed: {}", ex.getRequestURI(), e.toString(), e);
            send(ex, 500, TEXT, ("error: " + e + "\n").getBytes(StandardCharsets.UTF_8));
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
