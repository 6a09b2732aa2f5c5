package net.dta.common.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/** {@link ServerSecurity} for the JDK's HTTP server (the admin endpoints and the query HTTP API). */
public final class HttpSecurity {
    private final ServerSecurity security;
    private final String token;
    private final String realm;

    /** @param realm what the server is, named in WWW-Authenticate */
    public HttpSecurity(ServerSecurity security, String realm) throws IOException {
        this.security = security;
        this.token = security.token();
        this.realm = realm;
    }

    /** An HTTP server, or an HTTPS server asking for (or requiring) client certificates as configured. */
    public HttpServer create(InetSocketAddress address, int backlog) throws IOException {
        if (!security.tls()) {
            return HttpServer.create(address, backlog);
        }
        HttpsServer https = HttpsServer.create(address, backlog);
        SSLContext ctx = security.sslContext();
        https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                if (security.clientCa() != null) {
                    // With a token as the alternative the certificate is asked for, not required.
                    if (security.tokenFile() == null) {
                        p.setNeedClientAuth(true);
                    } else {
                        p.setWantClientAuth(true);
                    }
                }
                params.setSSLParameters(p);
            }
        });
        return https;
    }

    /** True when the client is admitted; otherwise answers 401 (no or wrong credentials) or 403 (a certificate not allowed). */
    public boolean admit(HttpExchange ex) throws IOException {
        String why = security.admit(ex instanceof HttpsExchange h ? h.getSSLSession() : null,
                ex.getRequestHeaders().getFirst("Authorization"), token);
        if (why == null) {
            return true;
        }
        boolean forbidden = why.contains("not among");
        if (!forbidden) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
        }
        byte[] body = ("not allowed: " + why + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(forbidden ? 403 : 401, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
        return false;
    }
}
