package net.dta.mininet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The topology generators (leaf-spine, fat-tree k=4 and k=6) and the deployment files they
 * produce, checked by the Python unit tests in mininet/tests (no Mininet, BMv2 or root needed):
 * paths follow links, routes lead to the next hop they name, reports reach the translator, flow
 * rules carry each switch's hop, the bottleneck switch its queue-depth rules. Needs only Python 3,
 * which every machine of the project has.
 */
class FabricGeneratorTest {
    @Test
    void shouldGenerateFabricsWhosePathsRoutesAndRulesAgree() throws IOException, InterruptedException {
        Path module = Path.of(System.getProperty("user.dir"));
        Process p = new ProcessBuilder(List.of("python3", "-m", "unittest", "discover", "-v", "-s", "tests"))
                .directory(module.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the generator tests did not finish");
        System.out.println(output);
        assertEquals(0, p.exitValue(), "the topology generator's unit tests failed:\n" + output);
        assertTrue(output.matches("(?s).*Ran [1-9][0-9]* tests.*\\nOK\\s*"), "the generator tests ran and passed:\n" + output);
    }
}
