package net.dta.bench;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import p4.v1.P4RuntimeOuterClass.Update;

import net.dta.bench.netns.VethPath;
import net.dta.collector.Collector;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.DropReason;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.packetio.Ipv4;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.translator.Translator;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.link.LossyRelay;
import net.dta.translator.dataplane.ReportLedger;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Registers;

/**
 * DTA on loopback, in this process: one software translator (host 1 of the run's {@link BenchAddresses}) programmed
 * through P4Runtime by the switch controller (as {@code ./dta controller run} would, from a
 * deployment file written here), in front of {@code n} collectors (the collector daemon with its
 * software RoCEv2 responder, host 2 upwards) holding {@link BenchStores}; bucket b of
 * every store goes to collector {@code b mod n}. The collectors do nothing on the ingest path but
 * run their responder thread.
 *
 * <p>With a lossy link, collector 0 is reached through a {@link LossyRelay}: the collector then
 * sees the relay's address as the requester, which a CM REQ must be signed for, and a deployment
 * file cannot say so; that set-up is connected by {@link BenchController} instead.
 */
final class DtaDeployment implements CollectorSetup, TranslatorThroughputBenchmark.ForwardingSetup {
    static final String TRANSLATOR_ADDRESS = BenchAddresses.host(1);

    /**
     * Where the translator (and the controller programming it) and the collectors run, and their addresses.
     *
     * @param p4runtimeAddress where the translator's P4Runtime server listens for the controller: a loopback address (the
     *                         translator refuses a plain-text P4Runtime server elsewhere); with namespaces, the translator
     *                         namespace's own loopback, where the controller runs too
     * @param collectorAddress collector i's address
     */
    record Site(Placement placement, String translatorAddress, String p4runtimeAddress,
                java.util.function.IntFunction<String> collectorAddress) {
    }

    /** Everything on loopback in this process's namespace (the run's {@link BenchAddresses}). */
    static final Site LOOPBACK = new Site(Placement.HERE, TRANSLATOR_ADDRESS, TRANSLATOR_ADDRESS, DtaDeployment::collectorAddress);

    private static final long TRANSLATOR_MAC = 0x02_00_00_00_00_01L;
    /**
     * Liveness probe interval. The default (100 ms) assumes the translator hears an ACK at least that
     * often; on the shared 2-core development machine the responder and translator threads are
     * sometimes descheduled for longer, and probes sent while requests are in flight make the
     * translator count them as lost (see performance.md). The benchmarks measure throughput, not
     * liveness, so they probe every second.
     */
    static final int PROBE_INTERVAL_MILLIS = 1000;

    private final Translator translator;
    private final List<Collector> collectors = new ArrayList<>();
    private final List<Thread> responders = new ArrayList<>();
    private final Thread dataPlane;
    private final String name;
    private final Path dir;
    private final Site site;
    private LossyRelay relay;
    /** The switch controller programming the translator (null for the lossy set-up). */
    private Controller controller;
    /** How long the controller may take to connect every queue pair and program every store. */
    private static final long CONNECT_TIMEOUT_SECONDS = 60;
    static final String RELAY_ADDRESS = BenchAddresses.host(99);
    /** The CM secret of this run (its collectors read it from cm.secret; the bench controller signs REQs with it). */
    private byte[] cmSecret;

    /**
     * @param mode        UDP (portable) or RAW (exact ICRCs, root) for the translator and the collectors
     * @param appendBatch Append entries per RDMA WRITE (1..16)
     * @param name        how benchmark tables call it
     */
    DtaDeployment(Path dir, int collectorCount, Mode mode, int appendBatch, String name) throws Exception {
        this(dir, collectorCount, mode, appendBatch, name, java.util.function.UnaryOperator.identity());
    }

    /** @param configure changes the translator's configuration (e.g. INT ingest on) */
    DtaDeployment(Path dir, int collectorCount, Mode mode, int appendBatch, String name,
                  java.util.function.UnaryOperator<TranslatorConfig> configure) throws Exception {
        this(dir, collectorCount, mode, appendBatch, name, configure, false);
    }

    /**
     * @param configure changes the translator's configuration (e.g. its requester class, protocol.md 5.6)
     * @param lossy     put a {@link LossyRelay} ({@link #RELAY_ADDRESS}, UDP mode) between the translator and collector 0
     */
    DtaDeployment(Path dir, int collectorCount, Mode mode, int appendBatch, String name,
                  java.util.function.UnaryOperator<TranslatorConfig> configure, boolean lossy) throws Exception {
        this(LOOPBACK, dir, collectorCount, mode, appendBatch, name, configure, lossy);
    }

    /**
     * @param site where the translator and the collectors run (collectors started in the collector role's namespace,
     *             the translator and its controller in the translator role's); a lossy link needs {@link #LOOPBACK}
     */
    DtaDeployment(Site site, Path dir, int collectorCount, Mode mode, int appendBatch, String name,
                  java.util.function.UnaryOperator<TranslatorConfig> configure, boolean lossy) throws Exception {
        if (lossy && site != LOOPBACK) {
            throw new IllegalArgumentException("a lossy link is a loopback set-up (its relay runs in this namespace)");
        }
        this.name = name;
        this.dir = dir;
        this.site = site;
        Translator t = null;
        try {
            // A secret of this run only, in the directory the collectors' configurations are read from.
            cmSecret = net.dta.protocol.auth.CmSecret.generate(dir.resolve("cm.secret"));
            for (int i = 0; i < collectorCount; i++) {
                String address = site.collectorAddress().apply(i);
                String yaml = "collector: {name: bench-c" + i + "}\n"
                        // One responder thread: the CPU column measures that thread (ThreadCpu.named below).
                        // xdp: the collectors on raw sockets (exact ICRCs); the translator is what xdp rows measure.
                        + "network: {address: " + address + ", ingest: " + (mode == Mode.UDP ? "udp" : "raw") + ", threads: 1}\n"
                        + "data-dir: " + dir.resolve("c" + i) + "\n"
                        + "admin: {enabled: false}\n" + "cm: {secret-file: cm.secret}\n"
                        + "queue-pairs: {restore-on-restart: false}\n" + BenchStores.yaml();
                CollectorConfig config = ConfigLoader.parse("bench-c" + i + ".yaml", new StringReader(yaml), dir, dir.resolve("c" + i + ".yaml"));
                Collector c = site.placement().call(VethPath.Role.COLLECTOR, () -> Collector.start(config, new DefaultBackends()));
                collectors.add(c);
                responders.add(ThreadCpu.named("dta-rdma-" + address));
            }
            TranslatorConfig tc = TranslatorConfig.forTest(site.translatorAddress(), mode).withName("bench")
                    .withAdmin(new TranslatorConfig.Admin(false, site.translatorAddress(), 0)).withP4Runtime(site.p4runtimeAddress(), 0);
            t = site.placement().call(VethPath.Role.TRANSLATOR, () -> Translator.start(configure.apply(tc)));
            relay = lossy ? new LossyRelay(RELAY_ADDRESS, TRANSLATOR_ADDRESS, collectorAddress(0)) : null;
            if (relay == null) {
                Translator started = t;
                controller = site.placement().call(VethPath.Role.TRANSLATOR, () -> startController(started, appendBatch));
            } else {
                programThroughRelay(t, appendBatch);
            }
        } catch (Exception e) {
            if (controller != null) {
                controller.close();
            }
            if (t != null) {
                t.close();
            }
            if (relay != null) {
                relay.close();
            }
            collectors.forEach(Collector::close);
            throw e;
        }
        this.translator = t;
        this.dataPlane = ThreadCpu.named("dta-translator-bench");
    }

    /** The lossy link to collector 0, or null. */
    LossyRelay relay() {
        return relay;
    }

    /** Where the translator sends collector i's requests: the relay for a lossy collector 0. */
    private String queuePairAddress(int i) {
        return i == 0 && relay != null ? RELAY_ADDRESS : collectorAddress(i);
    }

    Collector collector(int i) {
        return collectors.get(i);
    }

    Translator translator() {
        return translator;
    }

    static String collectorAddress(int i) {
        return BenchAddresses.host(2 + i);
    }

    /**
     * Starts the switch controller on a deployment file of this set-up and waits until it has
     * connected every queue pair and programmed every store (what the demo waits for too).
     */
    private Controller startController(Translator t, int appendBatch) throws Exception {
        Path file = dir.resolve("deployment.yaml");
        Files.writeString(file, BenchDeploymentFile.yaml(name, collectors, t, site.translatorAddress(), appendBatch, PROBE_INTERVAL_MILLIS));
        Deployment deployment = DeploymentLoader.load(file);
        Controller c = Controller.start(deployment);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_SECONDS);
            while (true) {
                TranslatorStatus s = c.status().translators().get(0);
                long up = s.queuePairs().stream().filter(q -> q.state().equals("up")).count();
                long programmed = s.stores().stream().filter(TranslatorStatus.StoreStatus::programmed).count();
                if (up == collectors.size() && programmed == deployment.stores().size()) {
                    return c;
                }
                if (System.nanoTime() > deadline) {
                    throw new java.io.IOException("the controller did not connect the translator within " + CONNECT_TIMEOUT_SECONDS
                            + " s: " + up + "/" + collectors.size() + " queue pairs up, " + programmed + "/" + deployment.stores().size()
                            + " stores programmed (" + s.state() + (s.lastError() == null ? "" : ": " + s.lastError()) + ")");
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** The lossy set-up: collector 0 behind the relay, connected by {@link BenchController}. */
    private void programThroughRelay(Translator t, int appendBatch) throws Exception {
        int translatorIp = Ipv4.parse(TRANSLATOR_ADDRESS);
        try (BenchController controller = new BenchController(t.p4runtimeAddress(), cmSecret)) {
            List<Update> setup = new ArrayList<>();
            // Under loss the probes are part of what is measured: the translator's default interval.
            setup.add(controller.settings(6, 1000, 100));
            setup.add(controller.localAddress(translatorIp));
            for (int i = 0; i < collectors.size(); i++) {
                setup.add(controller.route(Ipv4.parse(queuePairAddress(i)), TRANSLATOR_MAC, 0x02_00_00_00_00_10L + i));
            }
            controller.write(setup);
            for (int i = 0; i < collectors.size(); i++) {
                int seenRequester = queuePairAddress(i).equals(collectorAddress(i)) ? translatorIp : Ipv4.parse(RELAY_ADDRESS);
                controller.connect(i, translatorIp, Ipv4.parse(queuePairAddress(i)), 0x1000 * (i + 1), collectors.get(i).catalog(),
                        seenRequester, Ipv4.parse(collectorAddress(i)));
            }
            List<Update> stores = new ArrayList<>();
            int tailBase = 0;
            for (StoreDefinition d : BenchStores.STORES) {
                stores.add(controller.store(d, appendBatch, tailBase));
                if (d.layout() instanceof net.dta.protocol.layout.AppendLayout a) {
                    tailBase += a.lists();
                }
                stores.addAll(controller.buckets(d.storeId(), collectors.size()));
            }
            controller.write(stores);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ReporterOptions target() {
        return ReporterOptions.to(Ipv4.toInt(translator.reportAddress().getAddress())).withPort(translator.reportAddress().getPort());
    }

    /** The responder thread of the first collector (benchmarks use one collector for CPU per report). */
    @Override
    public Thread collectorThread() {
        return responders.get(0);
    }

    @Override
    public Thread translatorThread() {
        return dataPlane;
    }

    @Override
    public Thread forwardingThread() {
        return dataPlane;
    }

    /** Reports of a primitive the translator accepted (protocol.md 6.7). */
    @Override
    public long delivered(Primitive p) {
        return translator.pipeline().counters().packets(Counters.REPORTS, p.opcode());
    }

    @Override
    public long reports(Primitive p) {
        return delivered(p);
    }

    /** RoCEv2 packets the collectors' responders received. */
    @Override
    public long collectorPackets() {
        long sum = 0;
        for (Collector c : collectors) {
            sum += c.backend().counters().packetsReceived();
        }
        return sum;
    }

    /**
     * Resends (go-back-N) and PSN queries among {@link #packetsSent}: the responder never executes them a second time, so
     * requests sent exceed requests executed by at most this once everything is acknowledged.
     */
    public long resentOrQueried() {
        var engine = translator.engine();
        return engine.stat(net.dta.translator.dataplane.EngineCounter.RETRANSMITTED)
                + engine.stat(net.dta.translator.dataplane.EngineCounter.PSN_QUERIES);
    }

    /** RoCEv2 requests the translator sent to every collector. */
    @Override
    public long packetsSent() {
        long sum = 0;
        for (int i = 0; i < collectors.size(); i++) {
            // Liveness probes (zero-length READs) are sent too, more of them on a slow machine: not requests for reports.
            sum += translator.pipeline().counters().packets(Counters.QP_SENT, i) - translator.pipeline().counters().packets(Counters.QP_PROBES, i);
        }
        return sum;
    }

    @Override
    public long requestsSent() {
        return packetsSent();
    }

    @Override
    public long requestsExecuted() {
        return packetsReceived();
    }

    /** Requests the collectors' responders executed (WRITEs and FETCH_ADDs). */
    @Override
    public long packetsReceived() {
        long sum = 0;
        for (Collector c : collectors) {
            for (QueuePairInfo q : c.backend().queuePairs()) {
                sum += q.writes() + q.atomics();
            }
        }
        return sum;
    }

    /** Report datagrams the kernel dropped at the translator's report socket (its status, KernelDrops of packet-io). */
    @Override
    public long kernelDrops() {
        return translator.status().sockets().reportKernelDrops();
    }

    @Override
    public long dropped() {
        long sum = 0;
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                sum += translator.pipeline().counters().drops(r);
            }
        }
        return sum;
    }

    /** Reports the translator accepted and then lost, every primitive and reason (its ledger, as status shows it). */
    @Override
    public long lost() {
        ReportLedger ledger = translator.engine().ledger();
        long sum = 0;
        for (Primitive p : Primitive.values()) {
            for (ReportLedger.LossReason r : ReportLedger.LossReason.values()) {
                sum += ledger.lost(p.opcode(), r);
            }
        }
        return sum;
    }

    /** Packets lost between translator and collector, as the translator counted them (PSN resynchronisations). */
    long lostPackets() {
        long sum = 0;
        for (int i = 0; i < collectors.size(); i++) {
            sum += translator.pipeline().registers().get(Registers.LOST_PACKETS, i) & 0xFFFF_FFFFL;
        }
        return sum;
    }

    /** One line per collector queue pair: what the responder executed, gaps, NAKs and drops (printed with the progress). */
    @Override
    public String health() {
        StringBuilder b = new StringBuilder();
        b.append("translator: ").append(dropped()).append(" reports dropped, ").append(lostPackets())
                .append(" RDMA packets lost (PSN resynchronisations)");
        for (Collector c : collectors) {
            for (QueuePairInfo q : c.backend().queuePairs()) {
                b.append("; collector ").append(c.config().name()).append(" QP 0x").append(Integer.toHexString(q.qpn())).append(' ')
                        .append(q.state()).append(": ").append(q.writes()).append(" writes, ").append(q.atomics()).append(" atomics, ")
                        .append(q.psnGaps()).append(" PSN gaps, ").append(q.duplicates()).append(" duplicates, NAKs ")
                        .append(q.naksBySyndrome()).append(", drops ").append(q.drops());
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
        translator.close();
        if (relay != null) {
            relay.close();
        }
        collectors.forEach(Collector::close);
    }
}
