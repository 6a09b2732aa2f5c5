package net.dta.common.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import net.dta.common.security.ClientSecurity;

/** Fetches a view of a component's {@link AdminServer}, with errors that say what to check. */
public final class AdminClient {
    private AdminClient() {
    }

    /** The endpoint answered, with another status than 200 (asking again will not help). */
    public static final class Refused extends IOException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * GET {@code http://address path}; the body of a 200 answer.
     *
     * @param component what is asked, for messages ("translator", "collector")
     * @throws IOException with a message naming the address and what to check
     */
    public static byte[] get(String address, String path, int timeoutSeconds, String component) throws IOException {
        return get(address, path, timeoutSeconds, component, ClientSecurity.NONE);
    }

    /** The same over HTTPS and/or with a bearer token (docs/security.md). */
    public static byte[] get(String address, String path, int timeoutSeconds, String component, ClientSecurity security)
            throws IOException {
        return send(address, path, null, timeoutSeconds, component, security);
    }

    /** POST {@code body} (JSON); the body of a 200 answer. */
    public static byte[] post(String address, String path, byte[] body, int timeoutSeconds, String component,
                              ClientSecurity security) throws IOException {
        return send(address, path, body, timeoutSeconds, component, security);
    }

    private static byte[] send(String address, String path, byte[] post, int timeoutSeconds, String component,
                               ClientSecurity security) throws IOException {
        String url = (security.tls() ? "https://" : "http://") + address + path;
        HttpClient.Builder cb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds));
        if (security.tls()) {
            cb.sslContext(security.sslContext());
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds));
        if (post == null) {
            rb.GET();
        } else {
            rb.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(post));
        }
        String authorization = security.authorization();
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        try (HttpClient client = cb.build()) {
            HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new Refused(r.statusCode(), url + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8).strip());
            }
            return r.body();
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof Refused) {
                throw (Refused) e;
            }
            // A refused connection carries no message: name its class instead of "null".
            String why = e.getMessage() != null ? e.getMessage()
                    : e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
            throw new IOException("no " + component + " answers at " + url + " (" + why
                    + "); is it running, and is this its admin.address?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + url, e);
        }
    }
}
