package net.dta.query.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import net.dta.collector.status.CollectorStatus;
import net.dta.common.status.StatusJson;
import net.dta.common.security.ClientSecurity;

/**
 * Where a collector's ingest counters and queue-pair states come from (docs/collector.md, "Status
 * and metrics"): the collector object in the same process, its admin endpoint's {@code /status},
 * or nothing.
 */
public interface StatusSource {
    /** e.g. {@code in-process}, {@code admin 127.0.0.1:40042}, {@code none}. */
    String describe();

    /** The collector's status now; null when this source has none. */
    CollectorStatus fetch() throws IOException;

    static StatusSource none() {
        return new StatusSource() {
            @Override
            public String describe() {
                return "none";
            }

            @Override
            public CollectorStatus fetch() {
                return null;
            }
        };
    }

    /** A collector in this process ({@code Collector::status}). */
    static StatusSource inProcess(Supplier<CollectorStatus> status) {
        return new StatusSource() {
            @Override
            public String describe() {
                return "in-process";
            }

            @Override
            public CollectorStatus fetch() {
                return status.get();
            }
        };
    }

    /** A collector's admin endpoint, {@code host:port}: GET /status, 2 s timeout. */
    static StatusSource admin(String hostPort) {
        return admin(hostPort, ClientSecurity.NONE);
    }

    /** The same over HTTPS and/or with a bearer token, as {@code security} says (docs/security.md). */
    static StatusSource admin(String hostPort, ClientSecurity security) {
        HttpClient.Builder cb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create((security.tls() ? "https://" : "http://") + hostPort + "/status"))
                .timeout(Duration.ofSeconds(2));
        try {
            if (security.tls()) {
                cb.sslContext(security.sslContext());
            }
            String authorization = security.authorization();
            if (authorization != null) {
                rb.header("Authorization", authorization);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credentials for the admin endpoint " + hostPort + ": " + e.getMessage(), e);
        }
        HttpClient client = cb.build();
        HttpRequest request = rb.build();
        URI uri = request.uri();
        return new StatusSource() {
            @Override
            public String describe() {
                return "admin " + hostPort;
            }

            @Override
            public CollectorStatus fetch() throws IOException {
                HttpResponse<byte[]> r;
                try {
                    r = client.send(request,
                            HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading " + uri, e);
                } catch (IOException e) {
                    throw new IOException("cannot read " + uri + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
                }
                if (r.statusCode() != 200) {
                    throw new IOException(uri + " answered HTTP " + r.statusCode());
                }
                return StatusJson.read(r.body(), CollectorStatus.class);
            }
        };
    }
}
