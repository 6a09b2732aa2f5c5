package net.dta.p4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import net.dta.testkit.ExternalTools;
import net.dta.testkit.P4Toolchain;
import org.junit.jupiter.api.Test;

/**
 * The programs compile with p4c (p4/compile.sh: p4test on all four, p4c-bm2-ss on the v1model
 * ones, no warning but the TNA ones docs/p4.md explains), and the checked-in v1model P4Info files
 * are exactly what p4c-bm2-ss writes, ids included (regenerate with {@code p4/compile.sh --update}).
 */
class P4CompileTest {

    @Test
    void shouldCompileEveryProgramAndMatchTheCheckedInP4InfoByteForByte() throws Exception {
        Path bin = P4Toolchain.requireCompiler();
        Path out = Path.of("target", "p4c-test").toAbsolutePath();
        ExternalTools.Result r = ExternalTools.run(List.of("env", "DTA_P4_BIN=" + bin, "bash", "compile.sh", out.toString()), 600);
        assertEquals(0, r.exitCode(), "p4/compile.sh failed:\n" + r.stdout() + r.stderr());
        for (String p : List.of("translator", "reporter")) {
            String generated = Files.readString(out.resolve(p + ".v1model.p4info.txtpb"));
            String checkedIn = Files.readString(Path.of(p, p + ".v1model.p4info.txtpb"));
            assertEquals(generated, checkedIn, p + ".v1model.p4info.txtpb differs from p4c's output: run p4/compile.sh --update");
        }
    }
}
