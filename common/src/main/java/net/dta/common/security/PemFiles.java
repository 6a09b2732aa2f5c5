package net.dta.common.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * PEM certificates and PKCS#8 private keys (what {@code openssl req -newkey} and every ACME client
 * write) turned into the JDK's key and trust managers: the one TLS loader every component's
 * servers and clients use (gRPC through {@code TlsServerCredentials}, HTTP through SSLContext).
 */
public final class PemFiles {
    private static final char[] NO_PASSWORD = new char[0];

    private PemFiles() {
    }

    /** The certificate chain in {@code certificate} presented with {@code privateKey}. */
    public static KeyManager[] keyManagers(Path certificate, Path privateKey) throws IOException {
        return keyManagerFactory(certificate, privateKey).getKeyManagers();
    }

    /** Trust exactly the certificates (CAs) in {@code caFile}. */
    public static TrustManager[] trustManagers(Path caFile) throws IOException {
        return trustManagerFactory(caFile).getTrustManagers();
    }

    public static KeyManagerFactory keyManagerFactory(Path certificate, Path privateKey) throws IOException {
        try {
            List<X509Certificate> chain = certificates(certificate);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("dta", privateKey(privateKey), NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certificate + " with " + privateKey + ": " + e.getMessage(), e);
        }
    }

    public static TrustManagerFactory trustManagerFactory(Path caFile) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates(caFile)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caFile + " as trusted CAs: " + e.getMessage(), e);
        }
    }

    /** A TLS 1.3/1.2 context; null arguments leave that side to the JDK defaults. */
    public static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 key ("BEGIN PRIVATE KEY"): RSA, EC or Ed25519. */
    public static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----); convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": an RSA, EC or Ed25519 PKCS#8 key was expected");
    }

    /** The common name (CN) of a certificate's subject, or its whole subject when it has none. */
    public static String commonName(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return dn;
    }
}
