package net.dta.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * tshark and Scapy, the independent checkers of our packets (STACK.md). CI installs both
 * ({@code .ci/run}); on a developer machine without them the tests that need them are skipped
 * with a message, unless {@code DTA_REQUIRE_TOOLS=1} (set by CI) makes their absence a failure.
 */
public final class ExternalTools {
    public static final String PYTHON_WITH_SCAPY = "/usr/bin/python3";

    private ExternalTools() {
    }

    public static void requireTshark() {
        require(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark (apt-get install -y tshark)");
    }

    public static void requireScapy() {
        boolean ok = Files.isExecutable(Path.of(PYTHON_WITH_SCAPY))
                && run(List.of(PYTHON_WITH_SCAPY, "-c", "import scapy.contrib.roce"), 30).exitCode() == 0;
        require(ok, "Scapy (apt-get install -y python3-scapy)");
    }

    /** Debian's openssl, which makes the certificates of the TLS tests. */
    public static void requireOpenssl() {
        require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl (apt-get install -y openssl)");
    }

    /** Debian's Chromium, for browser tests of the dashboard. */
    public static void requireChromium() {
        require(Files.isExecutable(Path.of("/usr/bin/chromium")), "Chromium (apt-get install -y chromium)");
    }

    /** Debian's Prometheus and promtool, for the tests of deploy/prometheus and the Grafana dashboard. */
    public static void requirePrometheus() {
        require(Files.isExecutable(Path.of("/usr/bin/prometheus")) && Files.isExecutable(Path.of("/usr/bin/promtool")),
                "Prometheus and promtool (apt-get install -y prometheus)");
    }

    private static void require(boolean present, String what) {
        if (!present && "1".equals(System.getenv("DTA_REQUIRE_TOOLS"))) {
            throw new AssertionError(what + " is required (DTA_REQUIRE_TOOLS=1) but missing");
        }
        Assumptions.assumeTrue(present, what + " is not installed");
    }

    /**
     * Dissects a pcap with tshark and returns, per frame, the requested fields separated by '|'
     * (multiple occurrences of one field are joined with ',').
     */
    public static List<String> tsharkFields(Path pcap, String... fields) {
        return tsharkFields(pcap, List.of(), fields);
    }

    /** As above, with extra tshark options first (e.g. {@code -X lua_script:FILE}). */
    public static List<String> tsharkFields(Path pcap, List<String> options, String... fields) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/tshark"));
        cmd.addAll(options);
        cmd.addAll(List.of("-r", pcap.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Result r = run(cmd, 60);
        if (r.exitCode() != 0) {
            throw new AssertionError("tshark failed: " + r.stderr());
        }
        return r.stdout().lines().toList();
    }

    /** Full verbose dissection, for assertions on decoded text and "Malformed" markers. */
    public static String tsharkVerbose(Path pcap) {
        Result r = run(List.of("/usr/bin/tshark", "-r", pcap.toString(), "-V"), 60);
        if (r.exitCode() != 0) {
            throw new AssertionError("tshark failed: " + r.stderr());
        }
        return r.stdout();
    }

    /**
     * Recomputes each frame's ICRC with Scapy's BTH implementation and returns one line per frame:
     * {@code ok} or {@code bad <carried> <computed>}.
     */
    public static List<String> scapyIcrcCheck(Path pcap) {
        String script = String.join("\n",
                "import sys",
                "from scapy.all import rdpcap, raw, Ether",
                "from scapy.contrib.roce import BTH",
                "for p in rdpcap(sys.argv[1]):",
                "    b = raw(p)",
                "    q = Ether(b)",
                "    if BTH not in q:",
                "        print('not-roce'); continue",
                "    q[BTH].icrc = None",
                "    r = raw(q)",
                "    print('ok' if r[-4:] == b[-4:] else 'bad %s %s' % (b[-4:].hex(), r[-4:].hex()))",
                "");
        Result r = run(List.of(PYTHON_WITH_SCAPY, "-c", script, pcap.toString()), 120);
        if (r.exitCode() != 0) {
            throw new AssertionError("scapy failed: " + r.stderr());
        }
        return r.stdout().lines().toList();
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("dta-tool", ".out");
            Path err = Files.createTempFile("dta-tool", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            return new Result(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
