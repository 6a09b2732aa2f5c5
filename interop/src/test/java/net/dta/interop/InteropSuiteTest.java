package net.dta.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the interop suite (interop/run.sh through {@code ./dta interop}: the project against Linux's
 * Soft-RoCE in a QEMU guest, docs/interop.md) and fails when a case fails. Without its
 * prerequisites (root, /dev/net/tun, qemu-system-x86, debootstrap, nftables) the suite exits 3 and
 * this test is skipped naming them, unless {@code DTA_REQUIRE_INTEROP=1} (CI) makes that a failure.
 * {@code DTA_INTEROP_CASES} selects cases (default: all of them, {@link #DEFAULT_CASES}).
 */
class InteropSuiteTest {
    /** Exit code of run.sh when a prerequisite is missing. */
    private static final int MISSING_PREREQUISITE = 3;
    /**
     * The cases CI runs: all of them. restart and controller joined once the controller stopped
     * running into Linux's REJ 10 (stale connection; docs/interop.md "REJ 10") and adopted live queue
     * pairs across its restart. DTA_INTEROP_CASES selects fewer.
     */
    static final String DEFAULT_CASES = "primitives,probe,nak,restart,controller,cpu";

    @Test
    void shouldPassEveryInteropCaseAgainstLinuxSoftRoce() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path log = root.resolve("interop/target/interop-suite.log");
        Files.createDirectories(log.getParent());
        String cases = System.getenv().getOrDefault("DTA_INTEROP_CASES", DEFAULT_CASES);
        ProcessBuilder pb = new ProcessBuilder(List.of(root.resolve("dta").toString(), "interop", "--cases", cases))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("DTA_NO_BUILD", "1"); // the reactor built the components before this module
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
            throw new AssertionError("the interop suite did not finish in 40 minutes; log: " + log);
        }
        String output = Files.readString(log);
        System.out.println(tail(output, 60));
        if (p.exitValue() == MISSING_PREREQUISITE) {
            String why = tail(output, 3).strip();
            if ("1".equals(System.getenv("DTA_REQUIRE_INTEROP"))) {
                throw new AssertionError("the interop suite is required (DTA_REQUIRE_INTEROP=1) but cannot run: " + why);
            }
            Assumptions.abort("the interop suite cannot run here: " + why);
        }
        assertEquals(0, p.exitValue(), "the interop suite failed (exit " + p.exitValue() + "); log: " + log + "\n"
                + tail(output, 30));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
