package net.dta.collector.cli;

import net.dta.testkit.TestCmSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.Collector;
import net.dta.collector.CollectorMain;
import net.dta.collector.FakeBackend;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.store.StoreSet;
import net.dta.collector.store.VectorStores;
import picocli.CommandLine.ExitCode;

/** Every command in-process through {@link CollectorMain#doMain}, checking output and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CollectorMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    Path vectorDataDir() throws Exception {
        Path data = dir.resolve("data");
        try (StoreSet set = StoreSet.open(data, VectorStores.DEFINITIONS, "c.yaml")) {
            for (int i = 0; i < VectorStores.DEFINITIONS.size(); i++) {
                VectorStores.fill(VectorStores.PREFIXES.get(i), set.file(VectorStores.DEFINITIONS.get(i).name()).data());
            }
        }
        return data;
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"run", "status", "check-config", "stores", "read"}) {
            assertTrue(r.out().contains(c), r.out());
        }
        Run read = run("read", "--help");
        assertTrue(read.out().contains("kw-get") && read.out().contains("append"), read.out());
        assertEquals(0, run("read", "kw-get", "--help").code());
        assertTrue(run("run", "--help").out().contains("--config"));
    }

    @Test
    void wrongUsageExitsWithTwo() {
        Run r = run("run");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("Missing required option: '--config=FILE'"), r.err());
        assertEquals(ExitCode.USAGE, run("frobnicate").code());
    }

    @Test
    void checkConfigReportsLocatedProblemsAndChangesNothing() throws Exception {
        Path file = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "data-dir: data\nstores:\n  - {name: a, id: 1, kind: key-write, slots: 1000}\n"
                + TestCmSecret.COLLECTOR_YAML);
        Run r = run("check-config", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file + ":3:46: stores[0].slots: must be a power of two"), r.err());
        assertTrue(r.err().contains("1 problem: nothing was changed"), r.err());
        assertTrue(!Files.exists(dir.resolve("data")), "check-config creates nothing");
    }

    @Test
    void runRefusesAnInvalidConfigurationBeforeTouchingAnything() throws Exception {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, "data-dir: data\nstores:\n  - {name: a, id: 1, kind: key-write, slots: 8, colour: blue}\n");
        Run r = run("run", "--config", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file + ":3:49: stores[0].colour: unknown field for a key-write store"), r.err());
        assertTrue(!Files.exists(dir.resolve("data")), "no data directory was created");
    }

    @Test
    void checkConfigAcceptsAGoodFileAndChecksExistingStoreFiles() throws Exception {
        vectorDataDir();
        Path file = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "data-dir: data\n" + TestCmSecret.COLLECTOR_YAML
                + net.dta.collector.CollectorTestSupport.VECTOR_STORES);
        Run ok = run("check-config", file.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("exists, matches") && ok.out().endsWith("OK\n"), ok.out());
        Files.writeString(file, "data-dir: data\n" + TestCmSecret.COLLECTOR_YAML
                + net.dta.collector.CollectorTestSupport.VECTOR_STORES.replace("slots: 1024", "slots: 2048"));
        Run bad = run("check-config", file.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("queue-depth.dta: holds queue-depth, a key-write store id 1 (2^10 slots"), bad.err());
        assertTrue(bad.err().contains("the collector would refuse to start"), bad.err());
    }

    @Test
    void storesListsTheFilesOffline() throws Exception {
        Path data = vectorDataDir();
        Run r = run("stores", "--data-dir", data.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("queue-depth") && r.out().contains("2^10 slots x 8 B, redundancy 2"), r.out());
        assertTrue(r.out().contains("heavy-hitters") && r.out().contains("sketch"), r.out());
        Files.writeString(data.resolve("junk.dta"), "x");
        Run bad = run("stores", "-d", data.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("junk.dta: not usable"), bad.err());
    }

    @Test
    void readCommandsAnswerTheProtocolQueries() throws Exception {
        String data = vectorDataDir().toString();
        String key = "10.0.0.1:8080->10.0.0.2:80/tcp";
        assertEquals("value=00000007 agree=2/2\n", run("read", "kw-get", "-d", data, "-s", "queue-depth", "-k", key).out());
        assertTrue(run("read", "counter", "-d", data, "-s", "flow-bytes", "-k", key).out().startsWith("estimate=2000\n"));
        assertTrue(run("read", "counter", "-d", data, "-s", "heavy-hitters", "-k", key).out().startsWith("estimate=42\n"));
        Run path = run("read", "path", "-d", data, "-s", "paths", "-k", key);
        assertEquals(String.join("\n", net.dta.testkit.ProtocolVectors.load().get("pc.query").lines()) + "\n", path.out());
        Run append = run("read", "append", "-d", data, "-s", "drops", "--list", "1", "--from", "0");
        assertEquals(String.join("\n", net.dta.testkit.ProtocolVectors.load().get("ap.query").lines()) + "\n", append.out());
        Run wrong = run("read", "kw-get", "-d", data, "-s", "flow-bytes", "-k", key);
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("is a key-increment store, not key-write"), wrong.err());
        Run badKey = run("read", "kw-get", "-d", data, "-s", "queue-depth", "-k", "xyz");
        assertEquals(1, badKey.code());
        assertTrue(badKey.err().contains("5-tuple like"), badKey.err());
    }

    @Test
    void statusShowsARunningCollectorAsATableOrJson() throws Exception {
        Path file = dir.resolve("collector.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "collector: {name: cli}\ndata-dir: data\nadmin: {address: 127.0.0.1:0}\n" + TestCmSecret.COLLECTOR_YAML
                + net.dta.collector.CollectorTestSupport.VECTOR_STORES);
        try (Collector c = Collector.start(ConfigLoader.load(file), cfg -> new FakeBackend())) {
            String admin = "127.0.0.1:" + c.adminAddress().getPort();
            Run table = run("status", "--admin", admin);
            assertEquals(0, table.code(), table.err());
            assertTrue(table.out().startsWith("collector cli  boot id "), table.out());
            assertTrue(table.out().contains("ICRC NOT verified"), table.out());
            assertTrue(table.out().contains("no queue pairs"), table.out());
            assertTrue(table.out().contains("queue-depth") && table.out().contains("ACCESS ERRORS"), table.out());
            Run json = run("status", "--admin", admin, "--json");
            assertTrue(json.out().contains("\"icrc_verified\" : false"), json.out());
        }
        Run down = run("status", "--admin", "127.0.0.1:1", "--timeout", "2");
        assertEquals(1, down.code());
        assertTrue(down.err().contains("no collector answers at http://127.0.0.1:1/status"), down.err());
    }

    @Test
    void statusTakesTheOptionsEveryComponentTakes() throws Exception {
        Run bad = run("status", "--admin", "nonsense");
        assertEquals(ExitCode.USAGE, bad.code());
        assertTrue(bad.err().startsWith("collector status: --admin must be HOST:PORT like 127.0.0.1:40042, got \"nonsense\""), bad.err());
        Run both = run("status", "--admin", "127.0.0.1:1", "--config", dir.resolve("collector.yaml").toString());
        assertEquals(ExitCode.USAGE, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Path off = dir.resolve("off.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(off, "admin: {enabled: false}\n" + TestCmSecret.COLLECTOR_YAML + net.dta.collector.CollectorTestSupport.VECTOR_STORES);
        Run disabled = run("status", "--config", off.toString());
        assertEquals(ExitCode.SOFTWARE, disabled.code());
        assertTrue(disabled.err().contains("disables the admin endpoint"), disabled.err());
        Run help = run("status", "--help");
        assertTrue(help.out().contains("The collector's admin address") && help.out().contains("127.0.0.1:40042")
                && help.out().contains("--timeout"), help.out());
    }
}
