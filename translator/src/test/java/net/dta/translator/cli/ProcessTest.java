package net.dta.translator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.translator.testing.LoopbackDeployment;
import net.dta.translator.testing.TestController;

/**
 * {@code translator run} as a real process: it starts from a configuration file, writes its
 * ready file, serves P4Runtime and status, and exits 0 on SIGTERM.
 */
class ProcessTest {
    @TempDir
    Path dir;

    @Test
    void runServesUntilSigtermAndExitsCleanly() throws Exception {
        String prefix = LoopbackDeployment.randomPrefix();
        Path config = dir.resolve("translator.yaml");
        Files.writeString(config, "translator: {name: proc-test, device-id: 1}\n"
                + "p4runtime: {address: \"" + prefix + "1:0\"}\n"
                + "network: {address: " + prefix + "1, report-port: 0}\n"
                + "admin: {address: \"" + prefix + "1:0\"}\n");
        Path ready = dir.resolve("ready");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "net.dta.translator.TranslatorMain", "run", "--config", config.toString(), "--ready-file", ready.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            LoopbackDeployment.await("the ready file", () -> Files.exists(ready), 60); // a JVM start: seconds on a loaded machine
            Map<String, String> r = Files.readAllLines(ready).stream().map(l -> l.split("=", 2))
                    .collect(Collectors.toMap(a -> a[0], a -> a[1]));
            assertEquals(Long.toString(p.pid()), r.get("pid"));
            String[] p4rt = r.get("p4runtime").split(":");
            try (TestController c = TestController.tcp(new java.net.InetSocketAddress(p4rt[0], Integer.parseInt(p4rt[1])), 1)) {
                c.arbitrate();
                c.setPipeline();
            }
            java.io.StringWriter out = new java.io.StringWriter();
            int code = net.dta.translator.TranslatorMain.doMain(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
                    "status", "--admin", r.get("admin"));
            assertEquals(0, code);
            assertTrue(out.toString().contains("translator proc-test"), out.toString());
            assertTrue(out.toString().contains("pipeline set (cookie 42)"), out.toString());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out.log")));
        assertTrue(Files.readString(dir.resolve("out.log")).contains("stopped cleanly"));
    }
}
