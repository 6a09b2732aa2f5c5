package net.dta.translator.testing;

import net.dta.testkit.TestCmSecret;
import static net.dta.p4.TranslatorP4Names.*;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;


import net.dta.collector.Collector;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.CollectorConfig;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.packetio.Ipv4;
import net.dta.protocol.Addresses;
import net.dta.testkit.RawSockets;
import net.dta.testkit.VethNamespaces;
import net.dta.translator.Translator;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.dataplane.RequesterSettings;
import net.dta.translator.link.LossyRelay;
import p4.v1.P4RuntimeOuterClass.Update;

/**
 * A whole deployment on loopback: one software translator, n software collectors (the collector
 * daemon with its software RoCEv2 responder), each on its own 127.a.b.x address (a random a.b per
 * deployment, so that parallel test runs on one machine do not collide), a {@link TestController}
 * that connects every queue pair through the translator and programs the stores, and a reporter
 * socket. Bucket b of every store goes to collector {@code b mod n} (protocol.md 8).
 */
public final class LoopbackDeployment implements AutoCloseable {
    public final Translator translator;
    public final List<Collector> collectors = new ArrayList<>();
    public final List<TestController.Connection> connections = new ArrayList<>();
    public final TestController controller;
    public final String prefix;
    private final DatagramSocket reporter;
    /** The lossy link to collector 0, when asked for (UDP mode). */
    public final LossyRelay relay;
    /** xdp mode: the veth pair to the collectors' namespace, else null. */
    private final VethNamespaces link;
    /** xdp mode with reports apart: the veth pair to the reporter's namespace, else null. */
    private final VethNamespaces reportLink;

    private LoopbackDeployment(Mode mode, int n, String stores, Path dir, int appendBatch, boolean lossy, String prefix)
            throws Exception {
        this(mode, n, stores, dir, appendBatch, lossy, prefix, java.util.function.UnaryOperator.identity(), null);
    }

    private LoopbackDeployment(Mode mode, int n, String stores, Path dir, int appendBatch, boolean lossy, String prefix,
                               java.util.function.UnaryOperator<TranslatorConfig> configure) throws Exception {
        this(mode, n, stores, dir, appendBatch, lossy, prefix, configure, null);
    }

    /** @param reportPrefix xdp mode: reports on a second veth pair, reportPrefix + "1" the translator's end, else null */
    private LoopbackDeployment(Mode mode, int n, String stores, Path dir, int appendBatch, boolean lossy, String prefix,
                               java.util.function.UnaryOperator<TranslatorConfig> configure, String reportPrefix) throws Exception {
        this.prefix = prefix;
        String ingest = mode.configName();
        // xdp mode needs a link, not loopback (docs/translator.md): the translator stays in this
        // namespace (its P4Runtime server must be reachable) on one end of a veth pair, the
        // collectors and the reporter sit in a namespace on the other end.
        this.link = mode == Mode.XDP ? VethNamespaces.createHostAndNamespace(prefix + "1", prefix + "2") : null;
        // Reports apart (a translator box between two links): the reporter in a namespace of its own
        // behind a second veth pair, the translator's report channel on that pair's host end.
        VethNamespaces reports = null;
        try {
            reports = reportPrefix == null ? null : VethNamespaces.createHostAndNamespace(reportPrefix + "1", reportPrefix + "2");
        } catch (IOException | RuntimeException e) {
            if (link != null) {
                link.close();
            }
            throw e;
        }
        this.reportLink = reports;
        try {
            TestCmSecret.writeTo(dir);
            for (int i = 0; i < n; i++) {
                String yaml = "collector: {name: c" + i + "}\n" + TestCmSecret.COLLECTOR_YAML
                        + "network: {address: " + prefix + (2 + i) + ", ingest: " + ingest + "}\n"
                        + "data-dir: " + dir.resolve("c" + i) + "\n"
                        + "admin: {enabled: false}\n" + stores;
                CollectorConfig cc = net.dta.collector.config.ConfigLoader.parse("c" + i + ".yaml", new StringReader(yaml), dir,
                        dir.resolve("c" + i + ".yaml"));
                if (link != null && i > 0) {
                    link.addAddressB(prefix + (2 + i));
                }
                collectors.add(onCollectorSide(() -> Collector.start(cc, new DefaultBackends())));
            }
            TranslatorConfig tc = configure.apply(TranslatorConfig.forTest(prefix + "1", mode));
            translator = Translator.start(reportPrefix == null ? tc
                    : tc.withNetwork(tc.network().withReportAddress(Addresses.inet4(Ipv4.parse(reportPrefix + "1")))));
        } catch (Exception e) {
            collectors.forEach(Collector::close);
            closeLinks();
            throw e;
        }
        try {
            relay = lossy ? new LossyRelay(prefix + "9", prefix + "1", prefix + "2") : null;
            controller = TestController.tcp(translator.p4runtimeAddress(), 10);
            reporter = reportLink != null ? reportLink.inB(() -> new DatagramSocket(new InetSocketAddress(reportPrefix + "2", 0)))
                    : link == null ? new DatagramSocket(new InetSocketAddress(prefix + "1", 0))
                    : onCollectorSide(() -> new DatagramSocket(new InetSocketAddress(prefix + "2", 0)));
            controller.arbitrate();
            controller.setPipeline();
            int translatorIp = Ipv4.parse(prefix + "1");
            List<Update> setup = new ArrayList<>();
            setup.add(controller.localAddress(translatorIp));
            for (int i = 0; i < n; i++) {
                setup.add(controller.route(collectorIp(i), 32, 0x020000000001L, 0x020000000010L + i));
            }
            controller.write(setup);
            for (int i = 0; i < n; i++) {
                // Through the relay the collector sees the relay's address: the REQ's MAC binds what it sees.
                int seenRequester = collectorIp(i) == Ipv4.parse(prefix + (2 + i)) ? translatorIp : collectorIp(i);
                connections.add(controller.connect(i, translatorIp, collectorIp(i), 0x100 * (i + 1), seenRequester,
                        Ipv4.parse(prefix + (2 + i))));
            }
            List<Update> program = new ArrayList<>();
            for (CatalogEntry e : connections.get(0).catalog().entries()) {
                program.add(controller.store(e.definition(), appendBatch, 256 * (e.definition().storeId() % 64)));
                for (int b = 0; b < 256; b++) {
                    program.add(controller.insert(controller.entry(COLLECTOR_SELECT, new long[] {e.definition().storeId(), b}, 0,
                            SET_COLLECTOR, b % n)));
                }
            }
            controller.write(program);
        } catch (Exception | AssertionError e) {
            // A deployment that did not come up leaves nothing behind (the namespace above all).
            translator.close();
            collectors.forEach(Collector::close);
            closeLinks();
            throw e;
        }
    }

    private void closeLinks() {
        if (reportLink != null) {
            reportLink.close();
        }
        if (link != null) {
            link.close();
        }
    }

    /**
     * xdp mode on two links, as on a translator box: reports arrive on one veth pair (the reporter in
     * a namespace of its own, {@code network.report-address} on the host end), the collectors sit
     * behind another (the translator's {@code network.address}).
     */
    public static LoopbackDeployment startReportsApart(int collectors, String stores, Path dir, int appendBatch) throws Exception {
        VethNamespaces.require();
        String prefix = randomLinkPrefix();
        String reportPrefix;
        do {
            reportPrefix = randomLinkPrefix();
        } while (reportPrefix.equals(prefix));
        return new LoopbackDeployment(Mode.XDP, collectors, stores, dir, appendBatch, false, prefix,
                java.util.function.UnaryOperator.identity(), reportPrefix);
    }

    /**
     * Starts a deployment; raw mode is skipped without root unless {@code DTA_REQUIRE_RAW=1}.
     *
     * @param stores the {@code stores:} section of the collectors' configuration
     */
    public static LoopbackDeployment start(Mode mode, int collectors, String stores, Path dir, int appendBatch) throws Exception {
        if (mode == Mode.RAW) {
            requireRaw();
        }
        if (mode == Mode.XDP) {
            VethNamespaces.require();
        }
        return new LoopbackDeployment(mode, collectors, stores, dir, appendBatch, false,
                mode == Mode.XDP ? randomLinkPrefix() : randomPrefix());
    }

    /** "10.a.b." with a random a.b: xdp mode's veth subnet. */
    static String randomLinkPrefix() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
    }

    private <T> T onCollectorSide(java.util.concurrent.Callable<T> action) throws Exception {
        return link == null ? action.call() : link.inB(action);
    }

    /** Like {@link #start} on the addresses {@code prefix + "1"} (translator), {@code + "2"} (collector 0), ... */
    public static LoopbackDeployment start(Mode mode, int collectors, String stores, Path dir, int appendBatch, String prefix)
            throws Exception {
        if (mode == Mode.RAW) {
            requireRaw();
        }
        if (mode == Mode.XDP) {
            throw new IllegalArgumentException("xdp mode runs on a veth subnet of its own, not on " + prefix);
        }
        return new LoopbackDeployment(mode, collectors, stores, dir, appendBatch, false, prefix);
    }

    /** Like {@link #start}, with the translator's configuration changed by {@code configure} (e.g. INT ingest on). */
    public static LoopbackDeployment start(Mode mode, int collectors, String stores, Path dir, int appendBatch,
                                           java.util.function.UnaryOperator<TranslatorConfig> configure) throws Exception {
        if (mode == Mode.RAW) {
            requireRaw();
        }
        if (mode == Mode.XDP) {
            VethNamespaces.require();
        }
        return new LoopbackDeployment(mode, collectors, stores, dir, appendBatch, false,
                mode == Mode.XDP ? randomLinkPrefix() : randomPrefix(), configure);
    }

    /** "127.a.b." with a random a.b, so that test runs in parallel on one machine use distinct addresses. */
    public static String randomPrefix() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
    }

    /** UDP mode, with a {@link LossyRelay} between the translator and collector 0, and a requester of the given class. */
    public static LoopbackDeployment lossy(int collectors, String stores, Path dir, int appendBatch, RequesterSettings requester)
            throws Exception {
        return new LoopbackDeployment(Mode.UDP, collectors, stores, dir, appendBatch, true, randomPrefix(), c -> c.withDataPlane(
                new TranslatorConfig.DataPlane(c.dataPlane().postcardCacheEntries(), c.dataPlane().appendTailSlots(), c.dataPlane().batch(),
                        requester)));
    }

    /** UDP mode, with a {@link LossyRelay} between the translator and collector 0. */
    public static LoopbackDeployment lossy(int collectors, String stores, Path dir, int appendBatch) throws Exception {
        return new LoopbackDeployment(Mode.UDP, collectors, stores, dir, appendBatch, true, randomPrefix());
    }

    /** The address the translator sends collector i's requests to (the relay's for a lossy collector 0). */
    private int collectorIp(int i) {
        return Ipv4.parse(prefix + (i == 0 && relay != null ? 9 : 2 + i));
    }

    public static void requireRaw() {
        RawSockets.require();
    }

    public Collector collector(int i) {
        return collectors.get(i);
    }

    /** Sends one report (the bytes written by ReportEncoder) to the translator over UDP. */
    public void send(MemorySegment report, int length) throws IOException {
        byte[] b = report.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        reporter.send(new DatagramPacket(b, b.length, translator.reportAddress()));
    }

    /** Waits up to 10 s for the condition. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, 10);
    }

    /** As {@link #await(String, BooleanSupplier)}, for slow steps such as a JVM starting on a loaded machine. */
    public static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        reporter.close();
        controller.close();
        if (relay != null) {
            relay.close();
        }
        translator.close();
        collectors.forEach(Collector::close);
        closeLinks();
    }
}
