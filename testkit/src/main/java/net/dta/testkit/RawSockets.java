package net.dta.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Whether this JVM may open raw sockets (raw ingest mode, raw-mode translators and collectors,
 * packet captures). Probed from the process's effective capabilities, not from the user's name:
 * root without CAP_NET_RAW (a restricted container) cannot, a non-root JVM given the capability
 * can. Tests that need it skip without it, or fail when {@code DTA_REQUIRE_RAW=1} (set by CI).
 */
public final class RawSockets {
    private static final int CAP_NET_RAW = 13;

    private RawSockets() {
    }

    /** Skips the calling test without CAP_NET_RAW, or fails it when DTA_REQUIRE_RAW=1. */
    public static void require() {
        boolean ok = available();
        if (!ok && "1".equals(System.getenv("DTA_REQUIRE_RAW"))) {
            throw new AssertionError("raw sockets are required (DTA_REQUIRE_RAW=1) but this process lacks CAP_NET_RAW "
                    + "(run as root, or grant the capability)");
        }
        Assumptions.assumeTrue(ok, "raw sockets need CAP_NET_RAW (root)");
    }

    /** CapEff of /proc/self/status has bit 13 (CAP_NET_RAW). */
    public static boolean available() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
            return false;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
