package net.dta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.bench.netns.VethPath;
import net.dta.reporter.Primitive;

/**
 * {@code ./dta bench path} for a short window on the udp path with one primitive (Key-Increment) and on the xdp path
 * (AF_XDP, or the packet ring where AF_XDP cannot open; the translator's reports on t0, RoCEv2 on t1): every row measured
 * something, the figures are finite, every RDMA request the translator sent was executed by the collector in the
 * collector namespace, and the namespaces are gone afterwards. Needs root and iproute2: CI (DTA_REQUIRE_NETNS=1) fails
 * without them, elsewhere the test skips.
 */
class PathBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void measuresEveryRowOverVethAndRemovesTheNamespaces() throws Exception {
        String why = VethPath.unavailable();
        if (why != null && "1".equals(System.getenv("DTA_REQUIRE_NETNS"))) {
            throw new AssertionError("network namespaces are required (DTA_REQUIRE_NETNS=1): " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        StringWriter out = new StringWriter();
        StringWriter progress = new StringWriter();
        List<PathBenchmark.Row> rows = PathBenchmark.run(new PathBenchmark.Options(Duration.ofMillis(500), Duration.ofMillis(700),
                Duration.ZERO, List.of("udp", "xdp"), List.of(Primitive.KEY_INCREMENT), List.of(2), 1024, 4, 1, 16, dir),
                new PrintWriter(out), new PrintWriter(progress));

        assertEquals(List.of("udp/bare-receive", "udp/responder-write", "udp/responder-fetch-add", "udp/bare-forward", "udp/translator",
                "xdp/bare-receive", "xdp/responder-write", "xdp/responder-fetch-add", "xdp/bare-forward", "xdp/translator"),
                rows.stream().map(r -> r.path() + "/" + r.setup()).toList(), out.toString());
        for (PathBenchmark.Row r : rows) {
            assertTrue(r.sent() > 0 && r.rate() > 0, r.toString());
            assertTrue(Double.isFinite(r.cpuNanos()) && r.cpuNanos() > 0, r.toString());
            assertTrue(Double.isFinite(r.senderCpuNanos()) && r.senderCpuNanos() > 0, r.toString());
            // The receiving socket is found in its namespace's table (not the main thread's /proc/net); AF_XDP has none, so
            // the responder's xdp rows say -1, while the translator side reads its channel's own count (XDP_STATISTICS).
            boolean unknown = r.path().equals("xdp") && (r.setup().startsWith("responder") || r.setup().equals("bare-receive"));
            assertTrue(unknown ? r.kernelDrops() == -1 : r.kernelDrops() >= 0, r.toString());
        }
        // The responder executed what it received (a sender starting at the wrong PSN gets every WRITE acknowledged as a duplicate).
        for (String path : List.of("udp", "xdp")) {
            assertTrue(row(rows, path, "responder-write").executed() > 0, rows.toString());
            assertTrue(row(rows, path, "responder-fetch-add").executed() > 0, rows.toString());
        }
        for (String path : List.of("udp", "xdp")) {
            PathBenchmark.Settled settled = row(rows, path, "translator").settled();
            assertNotNull(settled);
            assertTrue(settled.reportsAccepted() > 0, path + " " + settled);
            assertEquals(0, settled.reportsDropped(), path + " " + settled);
            assertTrue(settled.quiet() && settled.requestsSent() > 0, path + " " + settled);
            assertEquals(0, settled.unexplained(), path + ": requests sent, neither executed nor a resend or PSN query: " + settled);
        }
        assertTrue(out.toString().contains("VS-BARE") && out.toString().contains("SENDER-CAPACITY/S")
                && out.toString().contains("load average"), out.toString());

        Matcher m = Pattern.compile("namespaces: (\\S+), (\\S+), (\\S+)").matcher(progress.toString());
        assertTrue(m.find(), progress.toString());
        List<String> left = VethPath.existingNamespaces();
        for (int i = 1; i <= 3; i++) {
            assertFalse(left.contains(m.group(i)), m.group(i) + " was not deleted: " + left);
        }
    }

    private static PathBenchmark.Row row(List<PathBenchmark.Row> rows, String path, String setup) {
        return rows.stream().filter(r -> r.path().equals(path) && r.setup().equals(setup)).findFirst().orElseThrow();
    }
}
