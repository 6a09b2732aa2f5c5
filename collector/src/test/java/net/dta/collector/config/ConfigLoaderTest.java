package net.dta.collector.config;

import net.dta.testkit.TestCmSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigProblem;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreKind;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static final String FULL = """
            collector:
              name: c1
            network:
              address: 10.0.0.2
              roce-port: 4791
              cm-port: 40041
              ingest: raw
              path-mtu: 2048
              atomic-byte-order: little-endian
              threads: 3
            data-dir: /var/lib/dta/c1
            admin:
              address: 0.0.0.0:9000
            queue-pairs:
              error-on-nak: false
              restore-on-restart: false
              persist-interval: 250ms
            stores:
              - name: queue-depth
                id: 1
                kind: key-write
                slots: 2^20
                value-bytes: 12
                redundancy: 3
              - name: flow-bytes
                id: 2
                kind: key-increment
                rows: 4
                columns: 1024
              - name: paths
                id: 3
                kind: postcard
                log2-rows: 16
                hops: 5
              - name: drops
                id: 4
                kind: append
                lists: 8
                entries-per-list: 65536
              - name: heavy-hitters
                id: 5
                kind: sketch
                rows: 3
                log2-columns: 12
            """;

    /** The deployment's CM secret every file needs (cm.secret-file): added unless a test writes its own cm section. */
    static final Path SECRET = TestCmSecret.writeTo(TestCmSecret.tempDir());

    static CollectorConfig parse(String yaml) throws ConfigException {
        String withSecret = yaml.isBlank() || yaml.contains("\ncm:") || yaml.startsWith("cm:") ? yaml : yaml + "\ncm: {secret-file: " + SECRET + "}\n";
        return ConfigLoader.parse("collector.yaml", new StringReader(withSecret), Path.of("/etc/dta"),
                Path.of("/etc/dta/collector.yaml"));
    }

    @Test
    void readsTheXdpIngestMode() throws Exception {
        CollectorConfig c = parse("""
                network: {address: 10.0.0.2, ingest: xdp}
                stores:
                  - {name: kw, id: 7, kind: key-write, slots: 1024}
                """);
        assertEquals(IngestMode.XDP, c.network().ingest());
    }

    static List<String> problems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void readsEveryFieldOfACompleteFile() throws Exception {
        CollectorConfig c = parse(FULL);
        assertEquals("c1", c.name());
        assertEquals("10.0.0.2", c.network().address().getHostAddress());
        assertEquals(IngestMode.RAW, c.network().ingest());
        assertEquals(2048, c.network().pathMtu());
        assertTrue(c.network().countersLittleEndian());
        assertEquals(3, c.network().threads());
        assertEquals(Path.of("/var/lib/dta/c1"), c.dataDir());
        assertEquals("0.0.0.0", c.admin().host());
        assertEquals(9000, c.admin().port());
        assertFalse(c.queuePairs().errorOnNak());
        assertFalse(c.queuePairs().restoreOnRestart());
        assertEquals(Duration.ofMillis(250), c.queuePairs().persistInterval());
        assertEquals(5, c.stores().size());
        assertEquals(new KeyWriteLayout(20, 16, 3), c.stores().get(0).definition().layout());
        assertEquals(new CounterLayout(StoreKind.KEY_INCREMENT, 4, 10), c.stores().get(1).definition().layout());
        assertEquals(new PostcardLayout(16, 5), c.stores().get(2).definition().layout());
        assertEquals(new AppendLayout(8, 16), c.stores().get(3).definition().layout());
        assertEquals(new CounterLayout(StoreKind.SKETCH, 3, 12), c.stores().get(4).definition().layout());
        assertEquals(5, c.stores().get(4).definition().storeId());
        assertTrue(c.stores().get(1).definition().countersLittleEndian(), "the NIC's atomic byte order applies to counter stores");
        assertEquals(19, c.stores().get(0).line(), "where the store starts, for later messages");
    }

    @Test
    void appliesTheDocumentedDefaults() throws Exception {
        CollectorConfig c = parse("""
                stores:
                  - {name: kw, id: 7, kind: key-write, slots: 1024}
                """);
        assertEquals("collector", c.name());
        assertEquals("127.0.0.1", c.network().address().getHostAddress());
        assertEquals(4791, c.network().rocePort());
        assertEquals(40041, c.network().cmPort());
        assertEquals(IngestMode.UDP, c.network().ingest());
        assertEquals(1024, c.network().pathMtu());
        assertFalse(c.network().countersLittleEndian());
        assertEquals(Math.min(64, Runtime.getRuntime().availableProcessors()), c.network().threads(), "one per processor");
        assertEquals(Path.of("/etc/dta/data/collector"), c.dataDir(), "relative to the configuration file's directory");
        assertTrue(c.admin().enabled());
        assertEquals("127.0.0.1:40042", c.admin().address());
        assertTrue(c.queuePairs().errorOnNak());
        assertTrue(c.queuePairs().restoreOnRestart());
        assertEquals(Duration.ofSeconds(1), c.queuePairs().persistInterval());
        assertEquals(new KeyWriteLayout(10, 8, 2), c.stores().get(0).definition().layout());
    }

    @Test
    void aSizeThatIsNotAPowerOfTwoNamesFileLineColumnAndField() {
        List<String> p = problems("""
                stores:
                  - {name: a, id: 1, kind: key-write, slots: 1024}
                  - {name: b, id: 2, kind: key-write, slots: 1024}
                  - name: c
                    id: 3
                    kind: key-write
                    slots: 1000
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("collector.yaml:7:12: stores[2].slots: must be a power of two between 2^1 and 2^29"), p.get(0));
        assertTrue(p.get(0).endsWith("got 1000"), p.get(0));
    }

    @Test
    void unknownFieldsAreErrorsThatListTheKnownOnes() {
        List<String> p = problems("""
                netwrok:
                  address: 10.0.0.2
                stores:
                  - {name: a, id: 1, kind: key-increment, columns: 1024, hops: 3}
                """);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("collector.yaml:4:58: stores[0].hops: unknown field for a key-increment store"), p.get(0));
        assertTrue(p.get(0).contains("columns"), p.get(0));
        assertTrue(p.get(1).startsWith("collector.yaml:1:1: netwrok: unknown field for the top level"), p.get(1));
        assertTrue(p.get(1).contains("network"), p.get(1));
    }

    @Test
    void everyProblemIsReportedInOnePass() {
        List<String> p = problems("""
                network:
                  address: 10.0.0.300
                  ingest: rdma
                  path-mtu: 1000
                  threads: 0
                admin:
                  address: localhost
                queue-pairs:
                  error-on-nak: maybe
                  persist-interval: soon
                stores:
                  - {name: a, id: 0, kind: key-write, slots: 8, value-bytes: 8, redundancy: 9}
                  - {name: a, id: 2, kind: counter, columns: 8}
                  - {name: "bad name", id: 3, kind: append, entries-per-list: 8}
                """);
        String all = String.join("\n", p);
        for (String expected : List.of(
                "collector.yaml:2:12: network.address: must be an IPv4 address",
                "collector.yaml:3:11: network.ingest: must be one of udp, raw, xdp, disni, got \"rdma\"",
                "collector.yaml:4:13: network.path-mtu: must be 256, 512, 1024, 2048 or 4096",
                "network.threads: must be an integer 1..64, got 0",
                "collector.yaml:7:12: admin.address: must be host:port",
                "collector.yaml:9:17: queue-pairs.error-on-nak: must be true or false",
                "collector.yaml:10:21: queue-pairs.persist-interval: must be a duration",
                "stores[0].id: must be an integer 1..65535, got 0",
                "stores[0].value-bytes: must be 4, 12 or 28",
                "stores[0].redundancy: must be an integer 1..8, got 9",
                "stores[1].kind: must be one of key-write, key-increment, postcard, append, sketch, got \"counter\"",
                "stores[2].name: must be 1..24 bytes",
                "stores[2].entries-per-list: must be a power of two between 2^4 and 2^29")) {
            assertTrue(all.contains(expected), "missing <" + expected + "> in\n" + all);
        }
    }

    @Test
    void namesAndIdsMustBeUnique() {
        List<String> p = problems("""
                stores:
                  - {name: a, id: 1, kind: key-write, slots: 8}
                  - {name: a, id: 1, kind: sketch, columns: 8}
                """);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("stores[1].name: \"a\" is already the name of stores[0]"), p.get(0));
        assertTrue(p.get(1).contains("stores[1].id: 1 is already the id of stores[0]"), p.get(1));
    }

    @Test
    void sizeAndLog2FormsAreExclusive() {
        List<String> p = problems("""
                stores:
                  - {name: a, id: 1, kind: key-write, slots: 8, log2-slots: 3}
                """);
        assertTrue(p.get(0).contains("stores[0].log2-slots: give slots or log2-slots, not both"), p.toString());
    }

    @Test
    void aMissingSizeSaysBothForms() {
        List<String> p = problems("""
                stores:
                  - {name: a, id: 1, kind: postcard}
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("stores[0].rows: missing; expected a power of two"), p.get(0));
        assertTrue(p.get(0).contains("log2-rows"), p.get(0));
    }

    @Test
    void aStoreLargerThanSixteenSegmentsIsRefused() {
        List<String> p = problems("""
                stores:
                  - {name: big, id: 1, kind: append, lists: 1024, entries-per-list: 2^29}
                """);
        assertTrue(p.get(0).contains("a store is at most 34359738368 bytes"), p.toString());
    }

    @Test
    void brokenYamlIsReportedWithItsPosition() {
        List<String> p = problems("""
                stores:
                  - name: a
                   id: 1
                """);
        assertEquals(1, p.size());
        assertTrue(p.get(0).matches("collector\\.yaml:\\d+:\\d+: not valid YAML: .*"), p.get(0));
    }

    @Test
    void duplicateKeysAreErrors() {
        List<String> p = problems("""
                stores:
                  - {name: a, id: 1, kind: key-write, slots: 8, slots: 16}
                """);
        assertTrue(p.get(0).contains("stores[0].slots: appears twice"), p.toString());
    }

    @Test
    void anEmptyFileOrMissingStoresIsAnError() {
        assertTrue(problems("").get(0).contains("the file is empty"));
        assertTrue(problems("collector: {name: x}\n").get(0).contains("stores: missing; expected a list"));
        assertTrue(problems("stores: []\n").get(0).contains("at least one store"));
    }

    @Test
    void loadNamesTheFileAsGivenAndResolvesTheDataDirBesideIt() throws IOException, ConfigException {
        Path file = dir.resolve("c.yaml");
        TestCmSecret.writeTo(dir);
        Files.writeString(file, "data-dir: d\nstores:\n  - {name: a, id: 1, kind: key-write, slots: 1000}\ncm: {secret-file: cm.secret}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ":3:46: stores[0].slots:"), e.getMessage());
        Files.writeString(file, "data-dir: d\nstores:\n  - {name: a, id: 1, kind: key-write, slots: 1024}\ncm: {secret-file: cm.secret}\n");
        assertEquals(dir.resolve("d"), ConfigLoader.load(file).dataDir());
    }

    @Test
    void theShippedExampleIsValid() throws Exception {
        // Copied beside a secret: the repository ships no secret (every deployment makes its own).
        Path example = dir.resolve("collector.example.yaml");
        Files.copy(net.dta.testkit.RepoPaths.root().resolve("collector/collector.example.yaml"), example);
        TestCmSecret.writeTo(dir);
        CollectorConfig c = ConfigLoader.load(example);
        assertEquals(5, c.stores().size());
        assertEquals(dir.resolve("cm.secret"), c.cm().secretFile());
    }

    /** Issue 13 item 5: no collector without the deployment's CM secret; each problem names the field and the fix. */
    @Test
    void refusesAMissingShortOrReadableSecret() throws Exception {
        Path file = dir.resolve("c.yaml");
        String stores = "stores:\n  - {name: a, id: 1, kind: key-write, slots: 1024}\n";
        Files.writeString(file, stores);
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(missing.getMessage().contains("cm.secret-file: missing") && missing.getMessage().contains("openssl rand -hex 32"),
                missing.getMessage());
        Path secret = dir.resolve("short.secret");
        Files.writeString(secret, "00112233");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, stores + "cm: {secret-file: short.secret}\n");
        ConfigException tooShort = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(tooShort.getMessage().contains("cm.secret-file: secret file " + secret + " holds 4 bytes, at least 32"),
                tooShort.getMessage());
        Path open = TestCmSecret.writeTo(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(file, stores + "cm: {secret-file: open/cm.secret}\n");
        ConfigException readable = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(readable.getMessage().contains("other users could read or change it; chmod 600"), readable.getMessage());
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, stores + "cm: {secret-file: open/cm.secret, max-queue-pairs: 8, max-queue-pairs-per-source: 2}\n");
        CollectorConfig ok = ConfigLoader.load(file);
        assertEquals(8, ok.cm().policy().maxQueuePairs());
        assertEquals(2, ok.cm().policy().maxQueuePairsPerSource());
        assertEquals(30_000, ok.cm().policy().replayWindowMillis());
    }
}
