package net.dta.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dta.testkit.RepoPaths;

/**
 * The release artifacts as an operator gets them: deploy/package/build-packages makes the
 * tarball and the .deb from this build's jars; the tarball runs from anywhere with no Maven and
 * no source tree; the .deb installs on this machine, its units run (deploy/package/test-install:
 * systemd when it is PID 1, else each unit's ExecStart as the dedicated user with the unit's
 * ambient capability), a report goes in and a query answers it, then remove and purge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageInstallTest {
    private static final Path ROOT = RepoPaths.root();
    private static final Path OUT = ROOT.resolve("dist/target/package");

    @TempDir
    Path dir;

    @Test
    @Order(1)
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theTarballRunsEveryComponentWithoutMavenOrTheSourceTree() throws Exception {
        Path tarball = buildPackages().filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        assertEquals(0, run(dir, "tar", "-xzf", tarball.toString()).exit());
        Path bin;
        try (Stream<Path> s = Files.list(dir)) {
            bin = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("bin/dta");
        }
        for (List<String> cmd : List.of(List.of("collector", "--help"), List.of("translator", "--help"), List.of("controller", "--help"),
                List.of("query", "--help"), List.of("reporter", "--help"), List.of("bench", "--help"), List.of("demo", "--help"))) {
            Result r = run(dir, Stream.concat(Stream.of(bin.toString()), cmd.stream()).toArray(String[]::new));
            assertEquals(0, r.exit(), cmd + ": " + r.output());
            assertTrue(r.output().contains("Usage:"), cmd + ": " + r.output());
        }
        // No source tree: the launcher never builds (there is nothing to build from) and says where it runs from.
        Result help = run(dir, bin.toString(), "help");
        assertTrue(help.output().contains("Installed in: " + bin.getParent().getParent().resolve("lib")), help.output());
        assertFalse(help.output().contains("building"), help.output());
    }

    @Test
    @Order(2)
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void theDebianPackageInstallsRunsAnswersAQueryAndRemovesCleanly() throws Exception {
        boolean root = "0".equals(run(dir, "id", "-u").output().strip());
        boolean dpkg = Files.isExecutable(Path.of("/usr/bin/dpkg"));
        if (!(root && dpkg) && "1".equals(System.getenv("DTA_REQUIRE_RAW"))) {
            throw new AssertionError("installing the .deb needs root and dpkg (DTA_REQUIRE_RAW=1)");
        }
        Assumptions.assumeTrue(root && dpkg, "installing the .deb needs root and dpkg");
        Path deb = buildPackages().filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
        Result r = run(dir, ROOT.resolve("deploy/package/test-install").toString(), deb.toString(), dir.resolve("install").toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("report in, query out") && r.output().contains("(4242)"), r.output());
        assertTrue(r.output().contains("test-install: OK"), r.output());
    }

    private static boolean built;

    /** Builds both artifacts once per test run (the second test reuses the first's), from this build's jars. */
    private static Stream<Path> buildPackages() throws Exception {
        if (!built) {
            Result r = run(ROOT, ROOT.resolve("deploy/package/build-packages").toString(), OUT.toString());
            assertEquals(0, r.exit(), r.output());
            built = true;
        }
        return Files.list(OUT);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Result(p.exitValue(), out);
    }
}
