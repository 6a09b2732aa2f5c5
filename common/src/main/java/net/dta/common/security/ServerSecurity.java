package net.dta.common.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;

/**
 * How one TCP server of a component is protected (docs/security.md): TLS with its certificate and
 * key; clients authenticated by a certificate signed by {@code clientCa} (mTLS, optionally only
 * the common names in {@code allowedClients}) or by a bearer token (HTTP); and whether listening
 * beyond loopback without both is allowed. The same fields in every component's file:
 *
 * <pre>
 * tls-certificate: server.pem      # PEM chain; with tls-private-key (PKCS#8): TLS on
 * tls-private-key: server.key
 * tls-client-ca: ca.pem            # clients must present a certificate this CA signed (mTLS)
 * allowed-clients: [controller]    # ... with one of these subject common names (empty: any)
 * token-file: admin.token          # HTTP: "Authorization: Bearer &lt;the file's text&gt;" also admits
 * allow-insecure: false            # true: listen beyond loopback without TLS and authentication
 * </pre>
 */
public record ServerSecurity(Path certificate, Path privateKey, Path clientCa, List<String> allowedClients, Path tokenFile,
                             boolean allowInsecure) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSecurity.class);

    /** Plain TCP, no authentication: fine on loopback only. */
    public static final ServerSecurity NONE = new ServerSecurity(null, null, null, List.of(), null, false);

    public ServerSecurity {
        allowedClients = List.copyOf(allowedClients);
    }

    /** Reads the fields above from a section (paths relative to {@code baseDir}); problems go to the section. */
    public static ServerSecurity read(Fields f, Path baseDir) {
        Path cert = path(f, "tls-certificate", baseDir);
        Path key = path(f, "tls-private-key", baseDir);
        Path ca = path(f, "tls-client-ca", baseDir);
        List<String> allowed = new ArrayList<>();
        for (ConfigNode n : f.list("allowed-clients", false)) {
            if (n instanceof ConfigNode.Scalar s && !s.text().isBlank()) {
                allowed.add(s.text());
            } else {
                f.problem("allowed-clients", "expected certificate common names, got " + n.describe());
            }
        }
        Path token = path(f, "token-file", baseDir);
        boolean insecure = f.bool("allow-insecure", false);
        if ((cert == null) != (key == null)) {
            f.problem(cert == null ? "tls-certificate" : "tls-private-key", "TLS needs both tls-certificate and tls-private-key");
        }
        if (ca != null && cert == null) {
            f.problem("tls-client-ca", "client certificates need TLS: set tls-certificate and tls-private-key too");
        }
        if (!allowed.isEmpty() && ca == null) {
            f.problem("allowed-clients", "names client certificates: set tls-client-ca too");
        }
        for (Path p : new Path[] {cert, key, ca, token}) {
            if (p != null && !Files.isReadable(p)) {
                f.problem(p == cert ? "tls-certificate" : p == key ? "tls-private-key" : p == ca ? "tls-client-ca" : "token-file",
                        "cannot read " + p);
            }
        }
        return new ServerSecurity(cert, key, ca, allowed, token, insecure);
    }

    private static Path path(Fields f, String key, Path baseDir) {
        if (!f.has(key)) {
            return null;
        }
        String v = f.string(key, null, "a file path");
        return v == null || v.isBlank() ? null : baseDir.resolve(v).normalize();
    }

    public boolean tls() {
        return certificate != null;
    }

    /** Whether clients must prove who they are (client certificate or bearer token). */
    public boolean authenticatesClients() {
        return clientCa != null || tokenFile != null;
    }

    /**
     * Refuses to listen beyond loopback without TLS and client authentication, unless
     * allow-insecure says so (then warns, naming the risk).
     *
     * @param what what listens, e.g. "the translator's P4Runtime server"
     * @param risk what anyone who reaches it could do, e.g. "reprogram the translator"
     * @param section the configuration section to fix, e.g. "p4runtime"
     */
    public void checkListen(String host, String what, String risk, String section) throws IOException {
        if (isLoopback(host) || (tls() && authenticatesClients())) {
            return;
        }
        String missing = tls() ? "client authentication (" + section + ".tls-client-ca or " + section + ".token-file)"
                : "TLS (" + section + ".tls-certificate, " + section + ".tls-private-key) and client authentication";
        if (allowInsecure) {
            LOG.warn("{} listens on {} without {}: anyone who can reach it can {} ({}.allow-insecure is true)", what, host, missing,
                    risk, section);
            return;
        }
        throw new IOException("refusing to listen on " + host + " for " + what + " without " + missing + ": anyone who can reach it "
                + "could " + risk + ". Configure them (docs/security.md), listen on loopback, or set " + section
                + ".allow-insecure: true to accept the risk");
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The server's TLS context (its certificate; the client CA when mTLS). */
    public SSLContext sslContext() throws IOException {
        return PemFiles.context(PemFiles.keyManagers(certificate, privateKey), clientTrust());
    }

    /** The trust managers for client certificates, or null. */
    public TrustManager[] clientTrust() throws IOException {
        return clientCa == null ? null : PemFiles.trustManagers(clientCa);
    }

    /** The bearer token clients may present (the token file's text, trimmed), or null. */
    public String token() throws IOException {
        if (tokenFile == null) {
            return null;
        }
        String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (t.length() < 16) {
            throw new IOException(tokenFile + ": a token must be at least 16 characters (e.g. openssl rand -hex 32 > " + tokenFile.getFileName() + ")");
        }
        return t;
    }

    /**
     * Null when the client is admitted: a verified certificate whose common name is allowed, or the
     * right bearer token; else why not. Without client authentication configured everyone is admitted.
     *
     * @param session the TLS session, or null on plain TCP
     * @param authorization the "Authorization" header or gRPC metadata, or null
     */
    public String admit(SSLSession session, String authorization, String token) {
        if (!authenticatesClients()) {
            return null;
        }
        if (token != null && authorization != null && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        if (clientCa != null && session != null) {
            String cn = peerName(session);
            if (cn != null && (allowedClients.isEmpty() || allowedClients.contains(cn))) {
                return null;
            }
            if (cn != null) {
                return "client certificate \"" + cn + "\" is not among the allowed clients";
            }
        }
        return authorization != null ? "wrong bearer token" : "no client certificate or bearer token";
    }

    /** The verified peer certificate's common name, or null. */
    public static String peerName(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? PemFiles.commonName(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
