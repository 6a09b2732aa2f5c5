package net.dta.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigProblem;
import net.dta.protocol.Addresses;
import net.dta.protocol.layout.StoreKind;
import net.dta.testkit.RepoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentLoaderTest {
    @TempDir
    Path dir;

    static final String MINIMAL = """
            collectors:
              - name: c1
                address: 127.0.0.21
              - name: c2
                address: 127.0.0.22
            stores:
              - name: queue-depth
                id: 1
            translators:
              - name: tor-1
                p4runtime: 127.0.0.1:9559
                address: 127.0.0.10
            """;

    private Deployment parse(String text) throws ConfigException {
        return DeploymentLoader.parse("deployment.yaml", new StringReader(text), dir, null);
    }

    private List<ConfigProblem> problems(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).problems();
    }

    private static ConfigProblem only(List<ConfigProblem> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    @Test
    void shouldLoadTheExampleFileShippedWithTheModule() throws Exception {
        Deployment d = DeploymentLoader.load(RepoPaths.root().resolve("deployment/deployment.example.yaml"));
        assertEquals("lab", d.name());
        assertEquals(List.of("c1", "c2"), d.collectors().stream().map(CollectorSpec::name).toList());
        assertEquals(5, d.stores().size());
        assertEquals(List.of("c1"), d.store("drops").orElseThrow().collectors());
        assertEquals(4, d.store("drops").orElseThrow().appendBatch());
        BucketMap hh = d.bucketMap(d.store("heavy-hitters").orElseThrow());
        assertEquals("c1", hh.collector(191).name());
        assertEquals("c2", hh.collector(192).name());
        TranslatorSpec t = d.translators().get(0);
        assertEquals(Pipeline.SOFTWARE, t.pipeline());
        assertEquals(2, t.routes().size());
        assertEquals(Route.Action.DROP, t.routes().get(1).action());
        assertEquals(40044, d.controller().admin().port());
    }

    @Test
    void shouldFillEveryDefault() throws Exception {
        Deployment d = parse(MINIMAL);
        assertEquals("dta", d.name());
        CollectorSpec c2 = d.collector("c2").orElseThrow();
        assertEquals(1, c2.index());
        assertEquals(Addresses.parseMac("02:00:7f:00:00:16"), c2.mac());
        assertEquals(40041, c2.cmPort());
        assertEquals(1024, c2.pathMtu());
        assertNull(c2.admin());
        TranslatorSpec t = d.translator("tor-1").orElseThrow();
        assertEquals(1, t.device().deviceId());
        assertEquals(1, t.device().electionId());
        assertEquals(1, t.translatorId());
        assertEquals(255, t.cpuPort());
        assertEquals(1, t.collectorPort());
        assertEquals(40040, t.reportPort());
        assertEquals(TranslatorSpec.Settings.DEFAULT, t.settings());
        assertEquals(List.of("c1", "c2"), t.collectors());
        StoreSpec s = d.store("queue-depth").orElseThrow();
        assertNull(s.kind());
        assertEquals(List.of("c1", "c2"), s.collectors());
        assertEquals(1, s.appendBatch());
        assertEquals(ControllerSettings.defaults(), d.controller());
    }

    @Test
    void shouldParseSettingsInMicrosecondsAndAckIntervalAsAPowerOfTwo() throws Exception {
        Deployment d = parse(MINIMAL + """
                    settings:
                      ack-interval: 16
                      flush-interval: 250us
                      probe-interval: 2s
                """);
        TranslatorSpec.Settings s = d.translators().get(0).settings();
        assertEquals(new TranslatorSpec.Settings(4, 250, 2000), s);
    }

    @Test
    void shouldNameFileLineColumnAndFieldOfAnUnknownField() {
        List<ConfigProblem> ps = problems(MINIMAL.replace("    address: 127.0.0.22", "    adress: 127.0.0.22"));
        assertEquals(2, ps.size(), ps.toString());
        assertEquals("collectors[1].address", ps.get(0).field());
        assertTrue(ps.get(0).message().startsWith("missing; expected an IPv4 address"), ps.get(0).message());
        ConfigProblem p = ps.get(1);
        assertEquals("deployment.yaml", p.file());
        assertEquals(5, p.line());
        assertEquals(5, p.column());
        assertEquals("collectors[1].adress", p.field());
        assertTrue(p.message().startsWith("unknown field for a collector"), p.message());
        assertTrue(p.toString().startsWith("deployment.yaml:5:5: collectors[1].adress: unknown field"), p.toString());
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        List<ConfigProblem> ps = problems("""
                collectors:
                  - name: c1
                    address: 10.0.0.300
                    index: 256
                  - name: c1
                    address: 127.0.0.22
                stores:
                  - name: s
                    id: 0
                translators:
                  - name: t
                    address: 127.0.0.10
                    pipeline: asic
                """);
        List<String> fields = ps.stream().map(ConfigProblem::field).toList();
        assertTrue(fields.containsAll(List.of("collectors[0].address", "collectors[0].index", "collectors[1].name",
                "stores[0].id", "translators[0].p4runtime", "translators[0].pipeline")), ps.toString());
        ConfigProblem pipeline = ps.stream().filter(p -> p.field().equals("translators[0].pipeline")).findFirst().orElseThrow();
        assertEquals(13, pipeline.line());
        assertTrue(pipeline.message().contains("one of software, bmv2, tofino"), pipeline.message());
    }

    @Test
    void shouldRejectDuplicateIndicesAndAddressesNamingTheFirstHolder() {
        ConfigProblem p = only(problems(MINIMAL.replace("address: 127.0.0.22", "address: 127.0.0.21")));
        assertEquals("collectors[1].address", p.field());
        assertTrue(p.message().contains("127.0.0.21 is already the address of collectors[0]"), p.message());
    }

    @Test
    void shouldRejectAStoreOnAnUnknownCollectorWithTheKnownNames() {
        ConfigProblem p = only(problems(MINIMAL.replace("    id: 1", "    id: 1\n    collectors: [c1, c3]")));
        assertEquals("stores[0].collectors[1]", p.field());
        assertTrue(p.message().contains("no collector named \"c3\"; the names are: c1, c2"), p.message());
    }

    @Test
    void shouldRequireAnExplicitBucketMapToCoverEveryBucket() {
        ConfigProblem p = only(problems(MINIMAL.replace("    id: 1", """
                    id: 1
                    buckets:
                      "0-99": c1
                      "101-200": c2
                """.stripTrailing())));
        assertEquals("stores[0].buckets", p.field());
        assertTrue(p.message().contains("buckets 100, 201-255 are not mapped"), p.message());
    }

    @Test
    void shouldRejectOverlappingBucketRangesAndCollectorsThatDoNotHoldTheStore() {
        List<ConfigProblem> ps = problems(MINIMAL.replace("    id: 1", """
                    id: 1
                    collectors: [c1]
                    buckets:
                      "0-200": c1
                      "100-255": c1
                      "7": c2
                """.stripTrailing()));
        assertTrue(ps.stream().anyMatch(p -> p.field().equals("stores[0].buckets.100-255") && p.message().contains("already mapped")), ps.toString());
        assertTrue(ps.stream().anyMatch(p -> p.field().equals("stores[0].buckets.7") && p.message().contains("does not hold this store")), ps.toString());
    }

    @Test
    void shouldAcceptAListBucketMapOf256Names() throws Exception {
        StringBuilder list = new StringBuilder("    buckets: [");
        for (int b = 0; b < 256; b++) {
            list.append(b == 0 ? "" : ", ").append(b < 10 ? "c2" : "c1");
        }
        Deployment d = parse(MINIMAL.replace("    id: 1", "    id: 1\n" + list + "]"));
        BucketMap m = d.bucketMap(d.stores().get(0));
        assertEquals("c2", m.collector(9).name());
        assertEquals("c1", m.collector(10).name());
        assertEquals(246, m.bucketsOf(d.collector("c1").orElseThrow()));
        assertTrue(d.stores().get(0).explicitBuckets());
    }

    @Test
    void shouldCheckKindsOfStoresNamedByReporters() {
        String text = MINIMAL.replace("    id: 1", "    id: 1\n    kind: key-write") + """
                reporters:
                  - name: leaf
                    p4runtime: 127.0.0.1:9560
                    pipeline: software
                    address: 10.0.1.1
                    translator: tor-1
                    report-port: 3
                    flows:
                      - dst: 10.0.2.0/24
                        bytes: queue-depth
                """;
        ConfigProblem p = only(problems(text));
        assertEquals("reporters[0].flows[0].bytes", p.field());
        assertTrue(p.message().contains("is a key-write store; this needs a key-increment store"), p.message());
    }

    @Test
    void shouldLoadAReporterWithFlowsEventsAndRoutes() throws Exception {
        String text = MINIMAL.replace("  - name: queue-depth\n    id: 1", """
                  - name: queue-depth
                    id: 1
                  - name: drops
                    id: 4
                    kind: append
                  - name: paths
                    id: 3
                """.stripTrailing()) + """
                reporters:
                  - name: leaf
                    p4runtime: 127.0.0.1:9560
                    pipeline: software
                    address: 10.0.1.1
                    translator: tor-1
                    report-port: 3
                    events: {store: drops, list: 2, congestion-threshold: 1000}
                    routes:
                      - {prefix: 10.0.2.0/24, port: 1, dst-mac: 02:00:00:00:02:01}
                    flows:
                      - dst: 10.0.2.0/24
                        protocol: 6
                        postcard: {store: paths, hop: 1, path-length: 3}
                        queue-depth: queue-depth
                """;
        ReporterSpec r = parse(text).reporters().get(0);
        assertEquals(new ReporterSpec.Events("drops", 2, 1000), r.events());
        assertEquals(Mac.ofIpv4(Addresses.parseIpv4("127.0.0.10")), r.nextHopMac());
        ReporterSpec.Flow f = r.flows().get(0);
        assertEquals("paths", f.postcardStore());
        assertEquals(1, f.hop());
        assertEquals(Ipv4Prefix.parse("10.0.2.0/24"), f.dst());
        assertNull(f.src());
        assertEquals(Addresses.parseMac("02:00:00:00:02:01"), r.routes().get(0).dstMac());
        assertEquals(Mac.ofIpv4(Addresses.parseIpv4("10.0.1.1")), r.routes().get(0).srcMac());
    }

    @Test
    void shouldRequireTheDeviceConfigOfHardwarePipelinesAndResolveItNextToTheFile() throws Exception {
        ConfigProblem p = only(problems(MINIMAL + "    pipeline: bmv2\n"));
        assertEquals("translators[0].device-config", p.field());
        assertTrue(p.message().contains("BMv2 JSON"), p.message());
        Files.writeString(dir.resolve("translator.json"), "{}");
        Deployment d = parse(MINIMAL + "    pipeline: bmv2\n    device-config: translator.json\n");
        assertEquals(dir.resolve("translator.json"), d.translators().get(0).device().deviceConfig());
        ConfigProblem missing = only(problems(MINIMAL + "    pipeline: tofino\n    device-config: nope.bin\n"));
        assertTrue(missing.message().startsWith("no such file: "), missing.message());
        assertEquals(64, parse(MINIMAL + "    pipeline: tofino\n    device-config: translator.json\n").translators().get(0).cpuPort());
    }

    @Test
    void shouldRejectTwoSwitchesOnTheSameDevice() {
        String text = MINIMAL + """
                  - name: tor-2
                    p4runtime: 127.0.0.1:9559
                    address: 127.0.0.11
                """;
        ConfigProblem p = only(problems(text));
        assertEquals("translators", p.field());
        assertTrue(p.message().contains("translator tor-1 and translator tor-2 are the same device"), p.message());
    }

    @Test
    void shouldTakeTheSameDurationAndMacFormsInEverySection() throws Exception {
        Deployment d = parse(MINIMAL.replace("address: 127.0.0.10", "address: 127.0.0.10\n    mac: 02-00-0A-00-00-10") + """
                    settings:
                      probe-interval: 1m
                controller:
                  cm: {timeout: 20ms}
                """);
        assertEquals(0x02000A000010L, d.translators().get(0).mac());
        assertEquals(60_000, d.translators().get(0).settings().probeIntervalMillis());
        assertEquals(Duration.ofMillis(20), d.controller().cmTimeout());
        ConfigProblem p = only(problems(MINIMAL + """
                controller:
                  cm: {timeout: 500us}
                """));
        assertEquals("controller.cm.timeout", p.field());
        assertTrue(p.message().startsWith("must be a duration like 500ms, 2s or 1m, between 10ms and 60s, got"), p.message());
    }

    @Test
    void shouldValidateControllerSettings() throws Exception {
        Deployment d = parse(MINIMAL + """
                controller:
                  admin: {enabled: false}
                  cm: {timeout: 200ms, retries: 2}
                  reconnect: {min-backoff: 100ms, max-backoff: 2s}
                """);
        assertNull(d.controller().admin());
        assertEquals(Duration.ofMillis(200), d.controller().cmTimeout());
        assertEquals(2, d.controller().cmRetries());
        ConfigProblem p = only(problems(MINIMAL + """
                controller:
                  reconnect: {min-backoff: 5s, max-backoff: 2s}
                """));
        assertEquals("controller.reconnect.max-backoff", p.field());
    }

    @Test
    void shouldExplainAnEmptyFileAndBadYaml() {
        ConfigProblem empty = only(problems("  \n"));
        assertTrue(empty.message().contains("needs at least 'collectors' and 'stores'"), empty.message());
        ConfigProblem bad = only(problems("collectors: [\n"));
        assertTrue(bad.message().startsWith("not valid YAML"), bad.message());
    }

    @Test
    void shouldRejectBatchAndTailBaseOnStoresThatAreNotAppendStores() {
        List<ConfigProblem> ps = problems(MINIMAL.replace("    id: 1", "    id: 1\n    kind: sketch\n    append-batch: 3\n    tail-base: 5"));
        assertEquals(List.of("stores[0].append-batch", "stores[0].append-batch", "stores[0].tail-base"),
                ps.stream().map(ConfigProblem::field).toList(), ps.toString());
        assertEquals(StoreKind.APPEND, StoreKind.ofConfigName("append"));
    }
}
