package net.dta.query.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import net.dta.common.security.HttpSecurity;
import net.dta.common.security.ServerSecurity;

import net.dta.query.QueryException;
import net.dta.query.QueryException.Reason;
import net.dta.query.QueryService;
import net.dta.query.model.Answers;
import net.dta.query.model.QueryJson;

/**
 * The HTTP/JSON API (docs/query.md lists every endpoint), the Prometheus endpoint and the
 * dashboard, on the JDK's HTTP server with one virtual thread per exchange (so a long-polling
 * follower costs a parked virtual thread, not a pooled one).
 *
 * <pre>
 * GET /api/v1/stores
 * GET /api/v1/stores/{store}/kw?key=K[&amp;redundancy=N]
 * GET /api/v1/stores/{store}/kw-many?keys=K1,K2,..[&amp;redundancy=N]
 * GET /api/v1/stores/{store}/counter?key=K
 * GET /api/v1/stores/{store}/path?key=K
 * GET /api/v1/stores/{store}/append/{list}[?from=P|tail][&amp;max=N]
 * GET /api/v1/stores/{store}/append/{list}/follow[?from=P][&amp;max=N][&amp;wait=MS]
 * GET /api/v1/status[?collector=C][&amp;refresh=true]
 * GET /metrics, /health, / (the dashboard)
 * </pre>
 *
 * Every query endpoint takes {@code collector=C} to read one collector instead of routing.
 * Errors are JSON: {@code {"error": {"status": 404, "reason": "unknown_store", "message": "..."}}}.
 */
public final class HttpQueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpQueryServer.class);
    static final String TRANSPORT = "http";
    private static final String JSON = "application/json";
    public static final int DEFAULT_WAIT_MILLIS = 10_000;
    public static final int MAX_WAIT_MILLIS = 60_000;
    private static final long FOLLOW_POLL_MILLIS = 50;
    private static final String DASHBOARD = "net/dta/query/dashboard/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "txt", "text/plain; charset=utf-8");

    private final QueryService service;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final boolean dashboard;
    private final HttpSecurity security;
    private final java.time.Duration dashboardRefresh;

    /**
     * @param configField the configuration field of the address, named when it cannot be bound
     */
    public HttpQueryServer(QueryService service, InetSocketAddress address, boolean dashboard, java.time.Duration dashboardRefresh,
                           String configField) throws IOException {
        this(service, address, dashboard, dashboardRefresh, configField, ServerSecurity.NONE);
    }

    /** @param security TLS and client authentication of the API, metrics and dashboard (docs/security.md) */
    public HttpQueryServer(QueryService service, InetSocketAddress address, boolean dashboard, java.time.Duration dashboardRefresh,
                           String configField, ServerSecurity security) throws IOException {
        this.service = service;
        this.dashboard = dashboard;
        this.dashboardRefresh = dashboardRefresh;
        security.checkListen(address.getHostString(), "the query HTTP API", "read every store's telemetry", "http");
        this.security = new HttpSecurity(security, "DTA query service");
        try {
            this.server = this.security.create(address, 128);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " for the query HTTP API ("
                    + e.getMessage() + "): change " + configField + ", or stop what uses that port", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!security.admit(ex)) {
                return;
            }
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                error(ex, new QueryException(Reason.BAD_ARGUMENT, "only GET is served, got " + method), 405);
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> query;
            try {
                query = parameters(ex.getRequestURI().getRawQuery());
            } catch (QueryException e) {
                error(ex, e, e.reason().httpStatus());
                return;
            }
            if (path.startsWith("/api/v1/")) {
                api(ex, path.substring("/api/v1/".length()), query);
            } else if (path.equals("/metrics")) {
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/health")) {
                send(ex, 200, TYPES.get("txt"), "ok\n".getBytes(StandardCharsets.UTF_8));
            } else if (dashboard && (path.equals("/") || path.equals("/dashboard") || path.equals("/index.html"))) {
                ex.getResponseHeaders().set("Location", "/dashboard/");
                send(ex, 302, TYPES.get("txt"), "see /dashboard/\n".getBytes(StandardCharsets.UTF_8));
            } else if (dashboard && path.startsWith("/dashboard/")) {
                staticFile(ex, path.substring("/dashboard/".length()));
            } else {
                error(ex, new QueryException(Reason.BAD_ARGUMENT, "no such endpoint: " + path + "; see /api/v1/stores, /api/v1/status, "
                        + "/metrics" + (dashboard ? ", /dashboard/" : "") + " and docs/query.md"), 404);
            }
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", ex.getRequestURI(), e.toString(), e);
        }
    }

    private void api(HttpExchange ex, String rest, Map<String, String> q) throws IOException {
        String[] parts = rest.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        try {
            if (parts.length == 1 && parts[0].equals("stores")) {
                allow(q);
                json(ex, "stores", service::stores);
            } else if (parts.length == 1 && parts[0].equals("status")) {
                allow(q, "collector", "refresh");
                boolean refresh = bool(q, "refresh");
                json(ex, "status", () -> service.status(q.getOrDefault("collector", ""), refresh));
            } else if (parts.length == 3 && parts[0].equals("stores")) {
                String store = parts[1];
                String collector = q.getOrDefault("collector", "");
                switch (parts[2]) {
                    case "kw" -> {
                        allow(q, "key", "redundancy", "collector");
                        int n = integer(q, "redundancy", 0);
                        json(ex, "kw-get", () -> service.keyWrite(store, q.get("key"), n, collector));
                    }
                    case "kw-many" -> {
                        allow(q, "keys", "redundancy", "collector");
                        int n = integer(q, "redundancy", 0);
                        String keys = q.getOrDefault("keys", "");
                        List<String> list = keys.isEmpty() ? List.of() : List.of(keys.split(","));
                        json(ex, "kw-get-many", () -> service.keyWriteMany(store, list, n, collector));
                    }
                    case "counter" -> {
                        allow(q, "key", "collector");
                        json(ex, "counter", () -> service.counter(store, q.get("key"), collector));
                    }
                    case "path" -> {
                        allow(q, "key", "collector");
                        json(ex, "path", () -> service.path(store, q.get("key"), collector));
                    }
                    default -> throw unknownEndpoint(rest);
                }
            } else if (parts.length >= 4 && parts.length <= 5 && parts[0].equals("stores") && parts[2].equals("append")) {
                String store = parts[1];
                int list = list(parts[3]);
                String collector = q.getOrDefault("collector", "");
                if (parts.length == 4) {
                    allow(q, "from", "max", "collector");
                    int max = integer(q, "max", 0);
                    if ("tail".equals(q.get("from"))) {
                        json(ex, "append", () -> service.appendTail(store, list, collector));
                    } else {
                        Long from = q.containsKey("from") ? position(q.get("from")) : null;
                        json(ex, "append", () -> service.appendRead(store, list, from, max, collector));
                    }
                } else if (parts[4].equals("follow")) {
                    allow(q, "from", "max", "wait", "collector");
                    int max = integer(q, "max", 0);
                    int wait = integer(q, "wait", DEFAULT_WAIT_MILLIS);
                    if (wait < 0 || wait > MAX_WAIT_MILLIS) {
                        throw new QueryException(Reason.BAD_ARGUMENT, "wait must be 0.." + MAX_WAIT_MILLIS + " ms, got " + wait);
                    }
                    Long from = q.containsKey("from") ? position(q.get("from")) : null;
                    json(ex, "follow", () -> follow(store, list, from, max, wait, collector));
                } else {
                    throw unknownEndpoint(rest);
                }
            } else {
                throw unknownEndpoint(rest);
            }
        } catch (QueryException e) {
            error(ex, e, e.reason().httpStatus());
        }
    }

    /** Long poll: returns as soon as there are new entries (or an overrun), or after wait ms with none. */
    private Answers.Append follow(String store, int list, Long from, int max, int wait, String collector) {
        int m = QueryService.appendMax(max, 1000, "max");
        long position = from != null ? from : service.appendTail(store, list, collector).nextPosition();
        long deadline = System.nanoTime() + wait * 1_000_000L;
        while (true) {
            Answers.Append a = service.appendRead(store, list, position, m, collector);
            if (!a.entries().isEmpty() || a.overrun() > 0 || System.nanoTime() >= deadline) {
                return a;
            }
            try {
                Thread.sleep(FOLLOW_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return a;
            }
        }
    }

    private static QueryException unknownEndpoint(String rest) {
        return new QueryException(Reason.BAD_ARGUMENT, "no such endpoint: /api/v1/" + rest + "; the endpoints are /api/v1/stores, "
                + "/api/v1/stores/{store}/kw, /counter, /path, /append/{list}, /append/{list}/follow and /api/v1/status (docs/query.md)");
    }

    private void json(HttpExchange ex, String operation, Supplier<Object> query) throws IOException {
        Object answer = service.metrics().record(operation, TRANSPORT, query::get);
        send(ex, 200, JSON, QueryJson.compact(answer));
    }

    private static void allow(Map<String, String> q, String... names) {
        Set<String> allowed = Set.of(names);
        for (String k : q.keySet()) {
            if (!allowed.contains(k)) {
                throw new QueryException(Reason.BAD_ARGUMENT, "unknown parameter \"" + k + "\"; this endpoint takes "
                        + (names.length == 0 ? "none" : String.join(", ", List.of(names))));
            }
        }
    }

    private static int integer(Map<String, String> q, String name, int defaultValue) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new QueryException(Reason.BAD_ARGUMENT, name + " must be an integer, got \"" + v + "\"");
        }
    }

    private static boolean bool(Map<String, String> q, String name) {
        String v = q.getOrDefault(name, "false");
        return switch (v) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw new QueryException(Reason.BAD_ARGUMENT, name + " must be true or false, got \"" + v + "\"");
        };
    }

    private static long position(String v) {
        try {
            long p = Long.parseLong(v);
            if (p >= 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new QueryException(Reason.BAD_ARGUMENT, "from must be a position (an integer >= 0)" + " or \"tail\", got \"" + v + "\"");
    }

    private static int list(String v) {
        try {
            int l = Integer.parseInt(v);
            if (l >= 0) {
                return l;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new QueryException(Reason.BAD_ARGUMENT, "the list in /append/{list} must be an integer >= 0, got \"" + v + "\"");
    }

    private static Map<String, String> parameters(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(k, v) != null) {
                throw new QueryException(Reason.BAD_ARGUMENT, "parameter \"" + k + "\" is given twice");
            }
        }
        return out;
    }

    private void staticFile(HttpExchange ex, String name) throws IOException {
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (name.equals("settings.js")) {
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, TYPES.get("js"), ("window.DTA_SETTINGS = {refreshMillis: " + dashboardRefresh.toMillis() + "};\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!name.matches("[a-z0-9-]+\\.(html|js|css|svg|txt)")) {
            error(ex, new QueryException(Reason.BAD_ARGUMENT, "no such dashboard file: " + name), 404);
            return;
        }
        try (InputStream in = HttpQueryServer.class.getClassLoader().getResourceAsStream(DASHBOARD + name)) {
            if (in == null) {
                error(ex, new QueryException(Reason.BAD_ARGUMENT, "no such dashboard file: " + name), 404);
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }

    private static void error(HttpExchange ex, QueryException e, int status) throws IOException {
        Map<String, Object> body = Map.of("error", Map.of("status", status, "reason", e.reason().code(), "message", e.getMessage()));
        send(ex, status, JSON, QueryJson.compact(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
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
