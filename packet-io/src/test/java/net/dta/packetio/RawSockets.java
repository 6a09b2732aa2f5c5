package net.dta.packetio;

import java.io.IOException;

import org.junit.jupiter.api.Assumptions;

/**
 * Raw-mode tests need CAP_NET_RAW. Without it they are skipped with a message, unless
 * {@code DTA_REQUIRE_RAW=1} (set by CI) makes its absence a failure.
 */
public final class RawSockets {
    private RawSockets() {
    }

    public static void assumeAvailable() {
        String problem = null;
        try {
            NativeSocket.open(Libc.SOCK_RAW, Libc.IPPROTO_RAW, "probe").close();
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (problem != null && "1".equals(System.getenv("DTA_REQUIRE_RAW"))) {
            throw new AssertionError("raw sockets are required (DTA_REQUIRE_RAW=1) but unavailable: " + problem);
        }
        Assumptions.assumeTrue(problem == null, "raw-mode test skipped (run as root, or with CAP_NET_RAW): " + problem);
    }
}
