package net.dta.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * p4c ({@code p4test}, {@code p4c-bm2-ss}) and BMv2 ({@code simple_switch_grpc}): the directory
 * that holds them is {@code DTA_P4_BIN} when set, else the default place of the project's
 * toolchain installer ({@code /opt/dta-p4tools/dta-p4-toolchain-bookworm-amd64/bin}), else the
 * directory of a {@code p4test} on the PATH (p4lang's packages). CI sets {@code DTA_REQUIRE_P4=1}:
 * a missing toolchain fails there; elsewhere the P4 tests skip naming what to install.
 */
public final class P4Toolchain {
    public static final String INSTALL_HINT = "the P4 toolchain (p4c + BMv2: ../shared/p4tools/install.sh, or p4lang's "
            + "p4lang-p4c and p4lang-bmv2 packages; set DTA_P4_BIN to their bin directory; docs/p4.md)";
    static final Path DEFAULT_BIN = Path.of("/opt/dta-p4tools/dta-p4-toolchain-bookworm-amd64/bin");

    private P4Toolchain() {
    }

    /** The bin directory, or null when no toolchain is found. */
    public static Path findBin() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("DTA_P4_BIN");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(DEFAULT_BIN);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(":")) {
                if (!p.isEmpty()) {
                    candidates.add(Path.of(p));
                }
            }
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("p4test")) && Files.isExecutable(c.resolve("p4c-bm2-ss"))) {
                return c;
            }
        }
        return null;
    }

    /** The compilers' bin directory; skips (or fails under DTA_REQUIRE_P4=1) when there is none. */
    public static Path requireCompiler() {
        Path bin = findBin();
        require(bin != null, "p4test and p4c-bm2-ss");
        return bin;
    }

    /** The bin directory holding simple_switch_grpc too; BMv2 tests also need root (veth, namespaces). */
    public static Path requireBmv2() {
        Path bin = requireCompiler();
        require(Files.isExecutable(bin.resolve("simple_switch_grpc")), "simple_switch_grpc in " + bin);
        require("root".equals(System.getProperty("user.name")), "root (BMv2 tests create network namespaces and veth pairs)");
        require(Files.isExecutable(Path.of("/usr/sbin/ethtool")), "ethtool (apt-get install -y ethtool: BMv2's veth ports need checksum offload off)");
        return bin;
    }

    /**
     * Compiles a v1model program with p4c-bm2-ss into {@code outDir} (the command of p4/compile.sh)
     * and returns the BMv2 JSON.
     *
     * @param program path relative to the repository's p4/ directory, e.g. translator/translator_v1model.p4
     */
    public static Path compileBmv2(Path bin, String program, Path outDir) throws java.io.IOException {
        Path p4 = RepoPaths.root().resolve("p4");
        Files.createDirectories(outDir);
        String base = Path.of(program).getFileName().toString().replace(".p4", "");
        Path json = outDir.resolve(base + ".json");
        ExternalTools.Result r = ExternalTools.run(List.of(bin.resolve("p4c-bm2-ss").toString(), "-I", p4.resolve("include").toString(),
                "--arch", "v1model", "-o", json.toString(), p4.resolve(program).toString()), 600);
        if (r.exitCode() != 0) {
            throw new AssertionError("p4c-bm2-ss " + program + " failed: " + r.stderr());
        }
        return json;
    }

    private static void require(boolean present, String what) {
        if (!present && "1".equals(System.getenv("DTA_REQUIRE_P4"))) {
            throw new AssertionError(what + " required (DTA_REQUIRE_P4=1) but missing: install " + INSTALL_HINT);
        }
        Assumptions.assumeTrue(present, what + " not found: install " + INSTALL_HINT);
    }
}
