package net.dta.controller.testing;

import net.dta.testkit.TestCmSecret;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import net.dta.controller.Controller;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.report.ReportEncoder;
import net.dta.translator.Translator;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;

/**
 * A whole deployment on loopback with the real components: software collectors (the collector
 * daemon's classes, UDP ingest), the software translator (its P4Runtime server over TCP, its data
 * plane over UDP), the switch controller under test, and a reporter socket. Every endpoint has
 * its own 127.a.b.x address (a.b random per test, so that runs do not collide).
 */
public final class TestNetwork implements AutoCloseable {
    public final Path dir;
    public final String prefix;
    public final List<TestCollector> collectors = new ArrayList<>();
    private Translator translator;
    private int p4runtimePort;
    private final DatagramSocket reporter;
    private final List<AutoCloseable> others = new ArrayList<>();
    private final Mode mode;
    /** How the translator's P4Runtime server is protected (docs/security.md). */
    public net.dta.common.security.ServerSecurity p4runtimeSecurity = net.dta.common.security.ServerSecurity.NONE;
    /** The deployment's reconnect line (back-off). */
    public String reconnectYaml = "  reconnect: {min-backoff: 100ms, max-backoff: 1s}\n";
    /** When set, the translator announces its starts to this controller admin address. */
    public String translatorAnnouncesTo;
    /** The deployment's translator settings (fast probes unless a test needs them slow). */
    public String translatorSettingsYaml = "{probe-interval: 50ms, ack-interval: 1}";
    /** Extra YAML lines of the deployment's translator entry (indented 4 spaces), e.g. its p4runtime-security. */
    public String translatorYaml = "";

    public TestNetwork(Path dir) throws IOException {
        this(dir, Mode.UDP);
    }

    /**
     * @param mode UDP (portable), or RAW: translator and collectors on raw sockets (root), where
     *             every ICRC is exact and verified, as a real NIC verifies it
     */
    public TestNetwork(Path dir, Mode mode) throws IOException {
        this.mode = mode;
        this.dir = dir;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.prefix = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
        this.reporter = new DatagramSocket(new InetSocketAddress(prefix + "200", 0));
    }

    public String translatorAddress() {
        return prefix + "1";
    }

    /** Collector i lives at prefix.(10 + i). */
    public String collectorAddress(int i) {
        return prefix + (10 + i);
    }

    /** Starts collector c{i} with the protocol.md 10 stores (queue pairs are not restored after a restart). */
    public TestCollector startCollector(int i) throws Exception {
        TestCollector c = TestCollector.start(dir, "c" + i, collectorAddress(i), TestCollector.VECTOR_STORES, false,
                mode == Mode.RAW ? "raw" : "udp");
        collectors.add(c);
        return c;
    }

    /** Collectors c0..c{n-1}, then the translator. */
    public void startCollectorsAndTranslator(int collectorCount) throws Exception {
        for (int i = 0; i < collectorCount; i++) {
            startCollector(i);
        }
        startTranslator();
    }

    public Translator startTranslator() throws Exception {
        TranslatorConfig cfg = TranslatorConfig.forTest(translatorAddress(), mode);
        if (p4runtimePort != 0) {
            cfg = cfg.withP4Runtime(translatorAddress(), p4runtimePort);
        }
        cfg = cfg.withP4RuntimeSecurity(p4runtimeSecurity);
        if (translatorAnnouncesTo != null) {
            cfg = cfg.withController(new net.dta.common.admin.ControllerLink(translatorAnnouncesTo,
                    net.dta.common.security.ClientSecurity.NONE));
        }
        translator = Translator.start(cfg);
        p4runtimePort = translator.p4runtimeAddress().getPort();
        return translator;
    }

    public Translator translator() {
        return translator;
    }

    public void stopTranslator() {
        if (translator != null) {
            translator.close();
            translator = null;
        }
    }

    public String p4runtime() {
        return translatorAddress() + ":" + p4runtimePort;
    }

    /**
     * The deployment file: the collectors named (their stores: queue-depth 1, flow-bytes 2, paths 3,
     * drops 4, heavy-hitters 5), the translator, fast time-outs.
     *
     * @param collectorYaml extra collector entries (e.g. one that does not run)
     */
    public Path writeDeployment(String name, long electionId, int collectorCount, String collectorYaml) throws IOException {
        return writeDeployment(name, electionId, collectorCount, collectorYaml, ALL_STORES);
    }

    /** The five stores of the test collectors, as the deployment lists them. */
    public static final String ALL_STORES = """
            stores:
              - {name: queue-depth, id: 1, kind: key-write}
              - {name: flow-bytes, id: 2, kind: key-increment}
              - {name: paths, id: 3, kind: postcard}
              - {name: drops, id: 4, kind: append, append-batch: 1}
              - {name: heavy-hitters, id: 5, kind: sketch}
            """;

    /** As above with another {@code stores:} section. */
    public Path writeDeployment(String name, long electionId, int collectorCount, String collectorYaml, String storesYaml)
            throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("deployment: {name: test}\n");
        y.append("controller:\n  admin: {address: \"127.0.0.1:0\"}\n  rpc-deadline: 3s\n  cm: {timeout: 500ms, retries: 2, secret-file: ")
                .append(TestCmSecret.writeTo(dir)).append("}\n");
        y.append(reconnectYaml).append("  poll-interval: 100ms\n");
        y.append("collectors:\n");
        for (int i = 0; i < collectorCount; i++) {
            y.append("  - {name: c").append(i).append(", index: ").append(i).append(", address: ").append(collectorAddress(i)).append("}\n");
        }
        y.append(collectorYaml);
        y.append(storesYaml);
        y.append("""
                translators:
                  - name: tor
                """);
        y.append("    p4runtime: \"").append(p4runtime()).append("\"\n");
        y.append("    election-id: ").append(electionId).append('\n');
        y.append("    address: ").append(translatorAddress()).append('\n');
        y.append("    settings: ").append(translatorSettingsYaml).append('\n');
        y.append(translatorYaml);
        Path file = dir.resolve(name);
        Files.writeString(file, y.toString(), StandardCharsets.UTF_8);
        return file;
    }

    public Controller startController(Path deploymentFile) throws Exception {
        Controller c = Controller.start(DeploymentLoader.load(deploymentFile));
        others.add(c);
        return c;
    }

    /** A Key-Write report of a 16-byte key given as 32 hex digits, value 4 bytes. */
    public void keyWrite(String keyHex, int value) throws IOException {
        byte[] key = HexFormat.of().parseHex(keyHex);
        byte[] v = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        byte[] buf = new byte[64];
        int n = ReportEncoder.keyWrite(MemorySegment.ofArray(buf), 0, 1, 0, key, v);
        send(buf, n);
    }

    /** A Key-Increment report (store 2, flow-bytes) of a 16-byte key given as 32 hex digits. */
    public void keyIncrement(String keyHex, long delta) throws IOException {
        byte[] buf = new byte[64];
        int n = ReportEncoder.keyIncrement(MemorySegment.ofArray(buf), 0, 2, 0, HexFormat.of().parseHex(keyHex), delta);
        send(buf, n);
    }

    public void append(long list, int value) throws IOException {
        byte[] buf = new byte[64];
        int n = ReportEncoder.append(MemorySegment.ofArray(buf), 0, 4, list, value);
        send(buf, n);
    }

    private void send(byte[] buf, int n) throws IOException {
        reporter.send(new DatagramPacket(buf, n, translator.reportAddress()));
    }

    /** Waits up to {@code seconds} for the condition. */
    public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : others) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        reporter.close();
        stopTranslator();
        collectors.forEach(TestCollector::close);
    }
}
