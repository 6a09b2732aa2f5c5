package net.dta.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real X.509 certificates for TLS tests, made by Debian's openssl in a test's directory: a CA, a
 * server certificate for given IP addresses, and client certificates by common name (all signed
 * by the CA), plus one from a CA nobody trusts. Keys are PKCS#8 PEM (what openssl 3 writes).
 */
public final class TestCertificates {
    public final Path dir;
    public final Path ca;
    private final Path caKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
    }

    /** A fresh CA in {@code dir}; skips (or fails in CI) without openssl. */
    public static TestCertificates create(Path dir) throws IOException {
        ExternalTools.requireOpenssl();
        Files.createDirectories(dir);
        TestCertificates c = new TestCertificates(dir);
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", c.caKey.toString(),
                "-out", c.ca.toString(), "-days", "2", "-subj", "/CN=dta-test-ca");
        return c;
    }

    /** A certificate {@code name}.pem / {@code name}.key with CN=name and, for servers, these IP addresses. */
    public Path[] issue(String name, String... ipAddresses) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + name);
        Path ext = dir.resolve(name + ".ext");
        StringBuilder san = new StringBuilder("subjectAltName=DNS:localhost");
        for (String ip : ipAddresses) {
            san.append(",IP:").append(ip);
        }
        Files.writeString(ext, san + "\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                "-out", pem.toString(), "-days", "2", "-extfile", ext.toString());
        return new Path[] {pem, key};
    }

    /** A self-signed certificate that no test CA signed (an attacker's own). */
    public Path[] selfSigned(String name) throws IOException {
        Path key = dir.resolve(name + "-self-signed.key");
        Path pem = dir.resolve(name + "-self-signed.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", pem.toString(), "-days", "2", "-subj", "/CN=" + name);
        return new Path[] {pem, key};
    }

    /** A bearer token file (64 hex characters). */
    public Path token(String name) throws IOException {
        Path file = dir.resolve(name + ".token");
        Files.writeString(file, openssl("rand", "-hex", "32"));
        return file;
    }

    private static String openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/openssl");
        cmd.addAll(List.of(args));
        ExternalTools.Result r = ExternalTools.run(cmd, 60);
        if (r.exitCode() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + r.stderr());
        }
        return r.stdout();
    }
}
