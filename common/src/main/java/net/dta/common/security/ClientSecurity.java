package net.dta.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import net.dta.common.config.Fields;

/**
 * How a client (the controller, a CLI, the query service) talks to a protected server: TLS trusting
 * {@code ca} (the JDK's CAs when null), presenting {@code certificate}/{@code privateKey} (mTLS)
 * and/or a bearer token. Fields, wherever a component names a server it connects to:
 *
 * <pre>
 * tls-ca: ca.pem                   # TLS on; trust this CA for the server's certificate
 * tls-certificate: controller.pem  # present this client certificate (with tls-private-key)
 * tls-private-key: controller.key
 * token-file: admin.token          # send "Authorization: Bearer &lt;text&gt;"
 * </pre>
 */
public record ClientSecurity(boolean tls, Path ca, Path certificate, Path privateKey, Path tokenFile) {
    public static final ClientSecurity NONE = new ClientSecurity(false, null, null, null, null);

    public static ClientSecurity read(Fields f, Path baseDir) {
        Path ca = path(f, "tls-ca", baseDir);
        Path cert = path(f, "tls-certificate", baseDir);
        Path key = path(f, "tls-private-key", baseDir);
        Path token = path(f, "token-file", baseDir);
        if ((cert == null) != (key == null)) {
            f.problem(cert == null ? "tls-certificate" : "tls-private-key", "a client certificate needs both tls-certificate and tls-private-key");
        }
        if (cert != null && ca == null) {
            f.problem("tls-ca", "a client certificate is presented over TLS: set tls-ca to the server's CA");
        }
        return new ClientSecurity(ca != null, ca, cert, key, token);
    }

    private static Path path(Fields f, String key, Path baseDir) {
        if (!f.has(key)) {
            return null;
        }
        String v = f.string(key, null, "a file path");
        return v == null || v.isBlank() ? null : baseDir.resolve(v).normalize();
    }

    /** The same settings from command-line options (null: not given). */
    public static ClientSecurity of(Path ca, Path certificate, Path privateKey, Path tokenFile) {
        return new ClientSecurity(ca != null, ca, certificate, privateKey, tokenFile);
    }

    public KeyManager[] keyManagers() throws IOException {
        return certificate == null ? null : PemFiles.keyManagers(certificate, privateKey);
    }

    public TrustManager[] trustManagers() throws IOException {
        return ca == null ? null : PemFiles.trustManagers(ca);
    }

    public SSLContext sslContext() throws IOException {
        return PemFiles.context(keyManagers(), trustManagers());
    }

    /** "Bearer &lt;token&gt;", or null without a token file. */
    public String authorization() throws IOException {
        return tokenFile == null ? null : "Bearer " + Files.readString(tokenFile).strip();
    }
}
