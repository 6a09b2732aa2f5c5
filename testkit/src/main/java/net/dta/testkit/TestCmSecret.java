package net.dta.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * The RDMA CM secret tests use (protocol.md 10.8's: bytes 0x00..0x1f), and its file for the
 * configurations of collectors and deployments that tests write ({@code cm.secret-file},
 * {@code cm-secret-file}).
 */
public final class TestCmSecret {
    private TestCmSecret() {
    }

    /** The secret's bytes (a fresh copy). */
    public static byte[] bytes() {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) i;
        }
        return s;
    }

    /** A fresh temporary directory (deleted when the JVM exits) for a test class's secret file. */
    public static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("dta-cm-secret");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The YAML line of a collector configuration naming the secret file {@link #writeTo} wrote into its directory. */
    public static final String COLLECTOR_YAML = "cm: {secret-file: cm.secret}\n";

    /** Writes it as {@code dir/cm.secret} (hex, mode 0600) and returns the path. */
    public static Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("cm.secret");
            Files.writeString(file, HexFormat.of().formatHex(bytes()) + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
