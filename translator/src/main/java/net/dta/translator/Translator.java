package net.dta.translator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.dta.protocol.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.common.admin.AdminServer;
import net.dta.common.admin.Announcer;
import net.dta.common.lifecycle.LifecycleStack;
import net.dta.protocol.report.DropReason;
import net.dta.packetio.ChannelCounters;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.LinkLayerChannels;
import net.dta.packetio.PacketRingChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.wire.MalformedReason;
import net.dta.packetio.wire.UdpHeader;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.dataplane.DataPlane;
import net.dta.translator.dataplane.Engine;
import net.dta.translator.dataplane.EngineCounter;
import net.dta.translator.dataplane.ReportLedger;
import net.dta.translator.p4runtime.P4RuntimeServer;
import net.dta.translator.p4runtime.P4RuntimeService;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.QueuePairEntry;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Schema;
import net.dta.translator.pipeline.Tables;
import net.dta.translator.status.TranslatorMetrics;
import net.dta.translator.status.TranslatorStatus;
import net.dta.translator.telemetry.IntCounter;
import net.dta.translator.telemetry.IntIngress;

/**
 * The software translator process: the report and RoCEv2 sockets, the pipeline state, the
 * data-plane thread, the P4Runtime server and the admin endpoint, started in that order on a
 * {@link LifecycleStack} and closed in reverse. Everything it translates is programmed through
 * P4Runtime; the configuration only says where it listens.
 *
 * <pre>{@code
 * try (Translator t = Translator.start(TranslatorConfig.forTest("127.0.0.1", Mode.UDP))) {
 *     InetSocketAddress p4rt = t.p4runtimeAddress();   // connect a P4Runtime client here
 *     InetSocketAddress reports = t.reportAddress();   // send DTA reports here
 * }
 * }</pre>
 */
public final class Translator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Translator.class);
    private static final String[] PRIMITIVES = {"", "key_write", "key_increment", "postcard", "append", "sketch_merge", "6", "7"};

    private final TranslatorConfig config;
    private final LifecycleStack stack = new LifecycleStack();
    private final long startedAtMillis = System.currentTimeMillis();
    private PacketChannel reports;
    private int reportPort;
    private UdpPacketChannel intReports;
    private IntIngress intIngress;
    private PacketChannel roce;
    private Pipeline pipeline;
    private Engine engine;
    private DataPlane dataPlane;
    private P4RuntimeService service;
    private P4RuntimeServer server;
    private AdminServer admin;
    private Announcer announcer;

    private Translator(TranslatorConfig config) {
        this.config = config;
    }

    /** Starts everything or nothing: on failure what was started is closed again and the cause explained. */
    public static Translator start(TranslatorConfig config) throws TranslatorStartException {
        Translator t = new Translator(config);
        try {
            t.startComponents();
            return t;
        } catch (TranslatorStartException e) {
            t.close();
            throw e;
        } catch (RuntimeException e) {
            t.close();
            throw new TranslatorStartException("translator start failed: " + e, e);
        }
    }

    private void startComponents() throws TranslatorStartException {
        TranslatorConfig.Network net = config.network();
        int address = Ipv4.toInt(net.address());
        String where = net.address().getHostAddress();
        // Reports may arrive on another address (another interface) than the one RoCEv2 uses.
        int reportIp = Ipv4.toInt(net.reportAddress());
        String reportWhere = net.reportAddress().getHostAddress();
        boolean reportsApart = reportIp != address;
        if (config.controller() != null) {
            // A translator that just started holds no pipeline: the controller re-programs it at once (docs/reliability.md).
            String body = "{\"component\":\"translator\",\"name\":\"" + config.name() + "\",\"address\":\"" + where
                    + "\",\"device_id\":" + config.deviceId() + ",\"boot_id\":\""
                    + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextLong()) + "\"}";
            announcer = stack.push("announcement", new Announcer(config.controller(), "translator " + config.name(),
                    () -> body.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            if (net.mode() == Mode.XDP) {
                if (net.reportPort() == 0) {
                    throw new TranslatorStartException("xdp mode needs a fixed network.report-port (its XDP program steers that port)",
                            null);
                }
                reports = stack.push("report socket", LinkLayerChannels.open(reportIp, net.reportPort(), ChannelOptions.DEFAULT));
                reportPort = net.reportPort();
            } else {
                UdpPacketChannel udp = stack.push("report socket", UdpPacketChannel.open(reportIp, net.reportPort(), ChannelOptions.DEFAULT));
                reports = udp;
                reportPort = udp.port();
            }
        } catch (IOException e) {
            throw new TranslatorStartException("cannot receive reports on " + reportWhere + ":" + net.reportPort() + " ("
                    + e.getMessage() + "): change " + (reportsApart ? "network.report-address" : "network.address")
                    + " or network.report-port, or stop what uses that port"
                    + (net.mode() == Mode.XDP ? " (xdp mode needs an interface carrying " + reportWhere + ")" : ""), e);
        }
        try {
            roce = stack.push("RoCEv2 socket", switch (net.mode()) {
                case RAW -> RawPacketChannel.open(address, UdpHeader.ROCE_PORT, ChannelOptions.DEFAULT);
                // One XDP program per interface: where reports share the RoCEv2 interface the report channel
                // holds it (reports are the heavier inbound load); reports on another address may be on another
                // interface, and LinkLayerChannels falls back to the ring by itself if it is the same one.
                case XDP -> reports.describe().startsWith("AF_XDP") && !reportsApart
                        ? PacketRingChannel.open(address, UdpHeader.ROCE_PORT, ChannelOptions.DEFAULT,
                                "the interface's XDP program serves the report channel (one program per interface)")
                        : LinkLayerChannels.open(address, UdpHeader.ROCE_PORT, ChannelOptions.DEFAULT);
                case UDP -> UdpPacketChannel.open(address, UdpHeader.ROCE_PORT, ChannelOptions.DEFAULT);
            });
        } catch (IOException e) {
            String hint = net.mode() == Mode.RAW ? "raw mode needs root or CAP_NET_RAW (or use network.mode: udp)"
                    : net.mode() == Mode.XDP ? "xdp mode needs root (CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF) and an interface "
                            + "carrying " + where + " (or use network.mode: raw or udp)"
                    : "stop what uses " + where + ":4791, or give the translator its own network.address (any 127.x.y.z on loopback)";
            throw new TranslatorStartException("cannot open the RoCEv2 socket on " + where + ":4791 in " + net.mode().configName()
                    + " mode (" + e.getMessage() + "): " + hint, e);
        }
        if (config.intIngest().enabled()) {
            int port = config.intIngest().port();
            try {
                intReports = stack.push("INT report socket", UdpPacketChannel.open(reportIp, port, ChannelOptions.DEFAULT));
            } catch (IOException e) {
                throw new TranslatorStartException("cannot receive INT reports on " + reportWhere + ":" + port + " (" + e.getMessage()
                        + "): change int.port, or stop what uses that port", e);
            }
        }
        pipeline = new Pipeline(Schema.shipped(), config.dataPlane().appendTailSlots(),
                net.mode() == Mode.UDP ? roce.sourcePort() : -1);
        service = stack.push("P4Runtime service", new P4RuntimeService(config.deviceId(), pipeline,
                (frame, port) -> dataPlane != null && dataPlane.packetOut(frame, port)));
        engine = new Engine(pipeline, roce::send, service, roce.seesIpHeader(), net.mode() == Mode.UDP, net.mac(),
                config.dataPlane().postcardCacheEntries(), config.dataPlane().batch(), config.dataPlane().requester(), System::nanoTime);
        stack.push("engine", engine::close);
        if (intReports != null) {
            intIngress = stack.push("INT ingest", new IntIngress(config.intIngest(), engine::translate));
        }
        dataPlane = stack.push("data plane", new DataPlane(pipeline, engine, reports, roce, config.dataPlane().batch(), config.name()));
        if (intReports != null) {
            dataPlane.ingestInt(intReports, intIngress, config.dataPlane().batch());
        }
        dataPlane.start();
        service.healthCheck(this::whatStopped);
        try {
            server = stack.push("P4Runtime server", P4RuntimeServer.listen(service, config.p4runtime().host(), config.p4runtime().port(),
                    config.p4runtime().security()));
            if (config.admin().enabled()) {
                admin = stack.push("admin endpoint", new AdminServer("DTA translator", config.admin().host(), config.admin().port(),
                        "admin.address", config.admin().security())
                        .status(this::status)
                        .get("/metrics", AdminServer.PROMETHEUS, "metrics (Prometheus)",
                                () -> TranslatorMetrics.render(status()).getBytes(StandardCharsets.UTF_8))
                        .health(this::whatStopped));
            }
        } catch (IOException e) {
            throw new TranslatorStartException(e.getMessage(), e);
        }
        if (!roce.seesIpHeader()) {
            LOG.warn("UDP mode: the kernel writes the IPv4 header of what the translator sends (ICRCs are computed for the "
                    + "header Linux sends, which is not guaranteed) and hides it on receive (reply ICRCs are not verified); "
                    + "use network.mode: raw (root or CAP_NET_RAW) for exact ICRCs");
        }
        LOG.info("translator {} (device {}) started: reports on {}:{} ({}), RoCEv2 from {} on {}, P4Runtime on {}", config.name(),
                config.deviceId(), reportWhere, reportAddress().getPort(), reports.describe(), where, roce.describe(), server.address());
        if (announcer != null) {
            announcer.announce();
        }
        if (intReports != null) {
            LOG.info("INT ingest: Telemetry Report v2.0 datagrams on {}:{} (docs/int.md)", reportWhere, intReports.port());
        }
    }

    /** Where Telemetry Report (INT) datagrams are received, or null when INT ingest is off. */
    public InetSocketAddress intAddress() {
        return intReports == null ? null : new InetSocketAddress(config.network().reportAddress(), intReports.port());
    }

    /** The INT ingest, or null when off. */
    public IntIngress intIngress() {
        return intIngress;
    }

    public TranslatorConfig config() {
        return config;
    }

    /** Null while the data-plane thread runs; else why it stopped (health check, P4Runtime UNAVAILABLE). */
    String whatStopped() {
        Throwable f = dataPlane.failure();
        if (f != null) {
            return "data-plane thread failed: " + f;
        }
        return dataPlane.running() ? null : "data-plane thread is not running";
    }

    /** The data-plane thread (tests reproduce its failure through it). */
    DataPlane dataPlane() {
        return dataPlane;
    }

    /** Where the P4Runtime server listens. */
    public InetSocketAddress p4runtimeAddress() {
        return server.address();
    }

    /** Where reports are received. */
    public InetSocketAddress reportAddress() {
        return new InetSocketAddress(config.network().reportAddress(), reportPort);
    }

    /** The admin endpoint's bound address, or null when disabled. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Engine engine() {
        return engine;
    }

    public P4RuntimeService p4runtime() {
        return service;
    }

    /** A snapshot for /status and /metrics (counters are read without stopping the data plane). */
    public TranslatorStatus status() {
        long now = System.currentTimeMillis();
        TranslatorConfig.Network net = config.network();
        boolean raw = net.mode() != Mode.UDP;
        TranslatorStatus.Network network = new TranslatorStatus.Network(net.mode().configName(), net.address().getHostAddress(),
                net.reportAddress().getHostAddress(), reportPort, UdpHeader.ROCE_PORT, Addresses.formatMac(net.mac()), raw, roce.seesIpHeader(),
                net.mode() == Mode.XDP ? "exact: the translator writes the whole frames it sends and verifies every reply's ICRC"
                : raw ? "exact: the translator writes the IPv4 header it sends (IP_HDRINCL) and verifies every reply's ICRC"
                        : "computed for the IPv4 header Linux sends from a UDP socket (id 0, DF, source port 4791): right on Linux, "
                                + "not guaranteed; replies' ICRCs are not verified",
                reports.describe(), roce.describe());
        TranslatorStatus.P4Runtime p4 = new TranslatorStatus.P4Runtime(
                server == null ? "" : server.address().getHostString() + ":" + server.address().getPort(),
                service.pipelineSet(), service.cookie(), service.clients(), service.primary(), P4RuntimeService.API_VERSION);
        Counters counters = pipeline.counters();
        Map<String, Long> accepted = new LinkedHashMap<>();
        Map<String, Long> acceptedBytes = new LinkedHashMap<>();
        for (int op = 1; op <= 5; op++) {
            accepted.put(PRIMITIVES[op], counters.packets(Counters.REPORTS, op));
            acceptedBytes.put(PRIMITIVES[op], counters.bytes(Counters.REPORTS, op));
        }
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                dropped.put(r.label(), counters.drops(r));
            }
        }
        Tables tables = pipeline.tables();
        Registers regs = pipeline.registers();
        List<TranslatorStatus.QueuePair> qps = new ArrayList<>();
        for (int c : tables.collectorsWithQueuePairs()) {
            QueuePairEntry q = tables.queuePair(c);
            Map<String, Long> naks = new LinkedHashMap<>();
            String[] kinds = {"psn_sequence", "invalid_request", "remote_access", "remote_operational"};
            for (int k = 0; k < 4; k++) {
                naks.put(kinds[k], counters.packets(Counters.QP_NAKS, c * 4 + k));
            }
            // The switch requester has no send window and no retransmit timeout: -1 for both.
            long[] window = engine.requester().retransmit() ? engine.sendWindowAndTimeout(c) : new long[] {-1, -1_000};
            qps.add(new TranslatorStatus.QueuePair(c, hex(q.localQpn()), Ipv4.format(q.collectorIp()), Ipv4.format(q.translatorIp()),
                    hex(q.remoteQpn()), q.egress().name().toLowerCase(java.util.Locale.ROOT), regs.get(Registers.QP_UP, c) == 1,
                    hex(regs.get(Registers.NEXT_PSN, c)), hex(regs.get(Registers.LAST_ACKED_PSN, c)),
                    regs.get(Registers.LOST_PACKETS, c) & 0xFFFF_FFFFL, counters.packets(Counters.QP_SENT, c),
                    counters.bytes(Counters.QP_SENT, c), counters.packets(Counters.QP_ACKS, c), naks,
                    counters.packets(Counters.QP_RESYNCS, c), counters.packets(Counters.QP_PROBES, c), (int) window[0], window[1] / 1_000));
        }
        Map<String, Long> dp = new LinkedHashMap<>();
        for (EngineCounter ec : EngineCounter.values()) {
            dp.put(ec.label(), engine.stat(ec));
        }
        Map<String, Long> roceDrops = new LinkedHashMap<>();
        for (MalformedReason m : MalformedReason.values()) {
            if (m != MalformedReason.OK) {
                roceDrops.put(m.label(), engine.malformed(m));
            }
        }
        ChannelCounters rc = reports.counters();
        ChannelCounters oc = roce.counters();
        TranslatorStatus.Sockets sockets = new TranslatorStatus.Sockets(rc.packetsReceived(), rc.bytesReceived(), rc.oversized(),
                rc.receiveErrors(), oc.packetsReceived(), oc.packetsSent(), oc.sendErrors(), oc.receiveErrors(),
                reports.kernelDrops(), roce.kernelDrops());
        Schema s = pipeline.schema();
        TranslatorStatus.TableSizes sizes = new TranslatorStatus.TableSizes(tables.size(s.tStores), tables.size(s.tCollectorSelect),
                tables.size(s.tQueuePairs), tables.size(s.tRegions), tables.size(s.tLocalAddresses), tables.size(s.tRoutes));
        var st = tables.settings();
        InetSocketAddress a = adminAddress();
        Throwable failure = dataPlane.failure();
        return new TranslatorStatus(config.name(), config.deviceId(), startedAtMillis, now - startedAtMillis, network, p4,
                new TranslatorStatus.Reports(accepted, acceptedBytes, dropped), qps, dp, roceDrops, sockets, sizes,
                new TranslatorStatus.Settings(st.ackIntervalLog2(), st.flushIntervalMicros(), st.probeIntervalMillis()),
                new TranslatorStatus.Held(engine.postcardEntriesHeld(), config.dataPlane().postcardCacheEntries(),
                        engine.appendBatchesHeld(), config.dataPlane().appendTailSlots()),
                new TranslatorStatus.Admin(a == null ? "disabled" : a.getHostString() + ":" + a.getPort()),
                failure == null ? null : failure.toString(), intStatus(), accounting(accepted),
                new TranslatorStatus.Requester(engine.requester().retransmit(), engine.requester().window(),
                        engine.requester().timeoutNanos() / 1000));
    }

    /** Per primitive: accepted, applied, held, in flight, lost by reason (ReportLedger). */
    private Map<String, TranslatorStatus.Accounting> accounting(Map<String, Long> accepted) {
        ReportLedger ledger = engine.ledger();
        Map<String, TranslatorStatus.Accounting> out = new LinkedHashMap<>();
        for (int op = 1; op <= 5; op++) {
            Map<String, Long> lost = new LinkedHashMap<>();
            for (ReportLedger.LossReason r : ReportLedger.LossReason.values()) {
                lost.put(r.label(), ledger.lost(op, r));
            }
            out.put(PRIMITIVES[op], new TranslatorStatus.Accounting(accepted.get(PRIMITIVES[op]), ledger.applied(op), ledger.held(op),
                    ledger.inFlight(op), lost));
        }
        return out;
    }

    private TranslatorStatus.IntIngest intStatus() {
        if (intIngress == null) {
            return null;
        }
        Map<String, Long> dropped = new LinkedHashMap<>();
        Map<String, Long> notes = new LinkedHashMap<>();
        for (IntCounter c : IntCounter.values()) {
            if (c.ordinal() > IntCounter.CONVERTED.ordinal()) {
                (c.loss() ? dropped : notes).put(c.label(), intIngress.count(c));
            }
        }
        return new TranslatorStatus.IntIngest(intReports.port(), intIngress.count(IntCounter.DATAGRAMS),
                intIngress.count(IntCounter.REPORTS), intIngress.count(IntCounter.CONVERTED), dropped, notes);
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }

    @Override
    public void close() {
        LOG.info("translator {} stopping", config.name());
        stack.close();
        LOG.info("translator {} stopped", config.name());
    }
}
