package net.dta.ns3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import net.dta.testkit.RepoPaths;

/**
 * The ns-3 programs of ns3-configs/, built once by the project's driver (dta_ns3.py build). Without
 * ns-3 the tests skip naming what to install, unless DTA_REQUIRE_NS3=1 (CI) makes that a failure.
 */
final class Ns3 {
    static final Path DRIVER = RepoPaths.root().resolve("ns3-configs/dta_ns3.py");
    static final String PYTHON = "/usr/bin/python3";
    private static Path bin;

    private Ns3() {
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** The directory of the built programs; skips (or fails in CI) when ns-3 is missing. */
    static synchronized Path programs() {
        if (bin != null) {
            return bin;
        }
        boolean present = run(List.of("pkg-config", "--exists", "ns3-core", "ns3-network", "ns3-internet",
                "ns3-point-to-point", "ns3-applications", "ns3-traffic-control"), 30).exitCode() == 0;
        String what = "ns-3 3.37 (apt-get install -y ns3 libns3-dev libgsl-dev python3-matplotlib)";
        if (!present && "1".equals(System.getenv("DTA_REQUIRE_NS3"))) {
            throw new AssertionError(what + " is required (DTA_REQUIRE_NS3=1) but missing");
        }
        Assumptions.assumeTrue(present, what + " is not installed");
        Result r = run(List.of(PYTHON, DRIVER.toString(), "build"), 900);
        if (r.exitCode() != 0) {
            throw new AssertionError("building the ns-3 programs failed:\n" + r.stderr());
        }
        bin = Path.of(r.stdout().strip());
        return bin;
    }

    static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("ns3-out", ".txt");
            Path err = Files.createTempFile("ns3-err", ".txt");
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
