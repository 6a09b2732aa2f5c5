package net.dta.translator.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dta.testkit.RepoPaths;

/** docs/int.md's vector blocks are exactly what the independent Python reference computes. */
class IntRefCheckTest {
    @Test
    void theDocumentsVectorsMatchThePythonReference() throws Exception {
        Path root = RepoPaths.root();
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, "docs/tools/int_ref.py", "--check", "docs/int.md").directory(root.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
    }
}
