package net.dta.reporter.agent;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.packetio.Ipv4;
import net.dta.packetio.status.CounterArray;
import net.dta.packetio.status.LogOnce;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.ReporterOptions;

/**
 * A software router's DTA reporter (docs/reporter.md "Agent"): watches, on an AF_PACKET tap, the
 * IPv4 packets the router in its network namespace receives and transmits, and sends through the
 * report library what the P4 reporter program (docs/p4.md "Reporter") sends per forwarded packet,
 * in the same order and formats:
 *
 * <ul>
 *   <li>a packet leaving the router that matches a flow rule: its postcard (flow key, hop, path
 *       length, value {@code switch id << 24 | queue depth}), the queue depth as a Key-Write, its IPv4
 *       total length as a Key-Increment, as the rule says;</li>
 *   <li>any packet leaving with the interface's queue at least {@code congestion-threshold} deep: an
 *       Append event {@code 2 << 24 | switch id << 16 | depth} (congestion);</li>
 *   <li>a packet received for an address no route covers: an Append event {@code 1 << 24 | switch id << 16}
 *       (drop, as the P4 reporter's no-route drop);</li>
 *   <li>packets the interfaces' qdiscs dropped since the last read (every {@code queue-drop-interval}):
 *       one Append event {@code 3 << 24 | switch id << 16 | count} per interface (the P4 reporter cannot
 *       see its traffic manager's tail drops; this one can).</li>
 * </ul>
 *
 * Queue depth: packets in the egress interface's root qdisc (rtnetlink, {@link QdiscStats}), read
 * when the transmitted packet is seen, i.e. just after it left the qdisc: the packets queued behind
 * it, as BMv2's {@code deq_qdepth}, but read from user space a few microseconds later.
 * One thread; per packet nothing is allocated.
 */
public final class ReporterAgent implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReporterAgent.class);
    static final int EVENT_DROP = 1;
    static final int EVENT_CONGESTION = 2;
    static final int EVENT_QUEUE_DROPS = 3;
    private static final int TAP_SLOTS = 64;
    private static final int POLL_MILLIS = 50;
    private static final int ETHERNET = 14;
    private static final int IP_PROTO_TCP = 6;
    private static final int IP_PROTO_UDP = 17;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Counter indexes (single writer: the agent's thread). */
    static final int FRAMES = 0;
    static final int FORWARDED = 1;
    static final int MONITORED = 2;
    static final int POSTCARDS = 3;
    static final int KEY_WRITES = 4;
    static final int KEY_INCREMENTS = 5;
    static final int DROP_EVENTS = 6;
    static final int CONGESTION_EVENTS = 7;
    static final int QUEUE_DROP_EVENTS = 8;
    static final int QUEUE_DROPPED_PACKETS = 9;
    static final int BAD_FRAMES = 10;
    static final int ERRORS = 11;
    static final String[] COUNTER_NAMES = {"frames", "forwarded", "monitored", "postcards", "key_writes", "key_increments",
            "drop_events", "congestion_events", "queue_drop_events", "queue_dropped_packets", "bad_frames", "errors"};

    private final int switchId;
    private final int address;
    private final ConfigWatch watch;
    private AgentConfig config;
    private FlowTable flows;
    private Prefix[] routes;
    private int eventsStore;
    private long eventsList;
    private int congestionThreshold;
    private final PacketTap tap;
    private final QdiscStats qdiscs;
    private final DtaReporter reporter;
    private final Map<Integer, String> interfaces;
    private final long[] lastDrops = new long[QdiscStats.MAX_INTERFACES];
    private final boolean[] watched = new boolean[QdiscStats.MAX_INTERFACES];
    private final byte[] key = new byte[16];
    private final CounterArray counters = new CounterArray(COUNTER_NAMES.length);
    private final LogOnce logOnce = new LogOnce(LOG, 2);
    private final long dropIntervalNanos;
    private volatile long reloads;
    private volatile boolean running = true;

    private ReporterAgent(AgentConfig config, ConfigWatch watch, PacketTap tap, QdiscStats qdiscs, DtaReporter reporter,
                          Map<Integer, String> interfaces) {
        this.config = config;
        this.watch = watch;
        this.switchId = (int) config.switchId();
        this.address = config.address32();
        this.flows = new FlowTable(config.flowRules());
        this.routes = routes(config);
        events(config.events());
        this.tap = tap;
        this.qdiscs = qdiscs;
        this.reporter = reporter;
        this.interfaces = interfaces;
        this.dropIntervalNanos = config.queueDropIntervalMillis() * 1_000_000L;
        for (int ifindex : interfaces.keySet()) {
            lastDrops[ifindex] = qdiscs.drops(ifindex);     // drops before the agent started are not reported
            watched[ifindex] = true;
        }
    }

    private void events(AgentConfig.Events e) {
        eventsStore = e == null ? 0 : e.store();
        eventsList = e == null ? 0 : e.list();
        congestionThreshold = e == null || e.congestionThreshold() == null ? 0 : e.congestionThreshold();
    }

    private static Prefix[] routes(AgentConfig config) {
        return config.routePrefixes().stream().map(Prefix::parse).toArray(Prefix[]::new);
    }

    /**
     * Opens the tap, the rtnetlink socket and the report socket (bound to the router's address).
     * With a {@code watch}, the flow rules, routes and events' threshold are taken again from the
     * file when it changes (what a controller's rewrite of a P4 reporter's tables does).
     */
    public static ReporterAgent open(AgentConfig config, ConfigWatch watch) throws IOException {
        PacketTap tap = PacketTap.open(TAP_SLOTS, POLL_MILLIS);
        QdiscStats qdiscs = null;
        try {
            qdiscs = QdiscStats.open();
            ReporterOptions options = ReporterOptions.parse(config.translator()).withBindAddress(config.address32()).withBatchSize(8);
            DtaReporter reporter = DtaReporter.open(options);
            return new ReporterAgent(config, watch, tap, qdiscs, reporter, interfaces());
        } catch (IOException | RuntimeException e) {
            tap.close();
            if (qdiscs != null) {
                qdiscs.close();
            }
            throw e;
        }
    }

    /** Interface index to name, of this network namespace (/sys/class/net), loopback left out. */
    static Map<Integer, String> interfaces() throws IOException {
        Map<Integer, String> out = new TreeMap<>();
        try (var dirs = Files.list(Path.of("/sys/class/net"))) {
            for (Path d : dirs.toList()) {
                int ifindex = Integer.parseInt(Files.readString(d.resolve("ifindex")).strip());
                if (ifindex > 0 && ifindex < QdiscStats.MAX_INTERFACES && !d.getFileName().toString().equals("lo")) {
                    out.put(ifindex, d.getFileName().toString());
                }
            }
        }
        return out;
    }

    @Override
    public void run() {
        long nextDropRead = System.nanoTime() + dropIntervalNanos;
        while (running) {
            int n = tap.receive();
            if (n == 0 && tap.lastError() != 0) {
                counters.increment(ERRORS);
                logOnce.warn(0, "AF_PACKET receive: errno {}", tap.lastError());
            }
            boolean refreshed = false;
            for (int i = 0; i < n; i++) {
                refreshed = frame(i, refreshed);
            }
            long now = System.nanoTime();
            if (now - nextDropRead >= 0) {
                nextDropRead = now + dropIntervalNanos;
                queueDrops();
                reload();
            }
            if (reporter.pending() > 0) {
                reporter.flush();
            }
        }
    }

    /** One captured frame; returns whether the qdisc statistics were read for this batch. */
    private boolean frame(int i, boolean refreshed) {
        int ifindex = tap.interfaceIndex(i);
        if (ifindex <= 0 || ifindex >= QdiscStats.MAX_INTERFACES || !watched[ifindex]) {
            return refreshed;       // loopback (the admin endpoint's own traffic), or an interface added since the start
        }
        counters.increment(FRAMES);
        int length = tap.capturedLength(i);
        MemorySegment f = tap.frames();
        long ip = PacketTap.frameOffset(i) + ETHERNET;
        if (length < ETHERNET + 20 || (f.get(ValueLayout.JAVA_BYTE, ip) & 0xF0) != 0x40) {
            counters.increment(BAD_FRAMES);
            return refreshed;
        }
        int ihl = (f.get(ValueLayout.JAVA_BYTE, ip) & 0x0F) * 4;
        int src = f.get(U32, ip + 12);
        int dst = f.get(U32, ip + 16);
        int type = tap.packetType(i);
        if (type == PacketTap.PACKET_HOST) {
            if (dst != address && eventsStore != 0 && !routed(dst)) {
                event(EVENT_DROP, 0, DROP_EVENTS);
            }
            return refreshed;
        }
        if (type != PacketTap.PACKET_OUTGOING || src == address) {
            return refreshed;       // another host's frame on the segment, or one of our own reports
        }
        counters.increment(FORWARDED);
        int protocol = f.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF;
        int fragment = f.get(U16, ip + 6) & 0x3FFF;
        int sport = 0;
        int dport = 0;
        if (ihl == 20 && fragment == 0 && (protocol == IP_PROTO_TCP || protocol == IP_PROTO_UDP) && length >= ETHERNET + ihl + 4) {
            sport = f.get(U16, ip + ihl) & 0xFFFF;
            dport = f.get(U16, ip + ihl + 2) & 0xFFFF;
        }
        int rule = flows.match(src, dst, protocol, sport, dport);
        if (rule < 0 && congestionThreshold == 0) {
            return refreshed;
        }
        if (!refreshed) {
            refreshed = refreshQueues();
        }
        int depth = qdiscs.queueLength(ifindex);
        if (rule >= 0) {
            counters.increment(MONITORED);
            flowKey(src, dst, sport, dport, protocol);
            if (flows.postcardStore[rule] != 0) {
                reporter.postcard(flows.postcardStore[rule], key, flows.hop[rule], flows.pathLength[rule],
                        switchId << 24 | Math.min(depth, 0xFF_FFFF));
                counters.increment(POSTCARDS);
            }
            if (flows.queueStore[rule] != 0) {
                reporter.keyWrite(flows.queueStore[rule], key, depth);
                counters.increment(KEY_WRITES);
            }
            if (flows.bytesStore[rule] != 0) {
                reporter.keyIncrement(flows.bytesStore[rule], key, f.get(U16, ip + 2) & 0xFFFF);
                counters.increment(KEY_INCREMENTS);
            }
        }
        if (congestionThreshold != 0 && depth >= congestionThreshold) {
            event(EVENT_CONGESTION, depth, CONGESTION_EVENTS);
        }
        return refreshed;
    }

    /** A changed, valid file replaces the rules; an invalid one is logged and the rules stay. */
    private void reload() {
        if (watch == null) {
            return;
        }
        AgentConfig next;
        try {
            next = watch.changed();
        } catch (IllegalArgumentException e) {
            counters.increment(ERRORS);
            LOG.warn("configuration not reloaded, the rules stay as they were: {}", e.getMessage());
            return;
        }
        if (next == null) {
            return;
        }
        if (next.switchId() != switchId || next.address32() != address || !next.translator().equals(config.translator())) {
            LOG.warn("configuration reloaded without switch-id, address and translator: those need a restart");
        }
        config = next;
        flows = new FlowTable(next.flowRules());
        routes = routes(next);
        events(next.events());
        reloads++;
        LOG.info("configuration reloaded: {} flow rule(s), {} route(s)", flows.size(), routes.length);
    }

    private boolean refreshQueues() {
        try {
            qdiscs.refresh();
            return true;
        } catch (IOException e) {
            counters.increment(ERRORS);
            logOnce.warn(1, "qdisc statistics: {} (queue depths read as before)", e.getMessage());
            return false;
        }
    }

    private boolean routed(int dst) {
        for (Prefix p : routes) {
            if (p.contains(dst)) {
                return true;
            }
        }
        return false;
    }

    private void event(int event, int depth, int counter) {
        if (eventsStore != 0) {
            reporter.append(eventsStore, eventsList, event << 24 | (switchId & 0xFF) << 16 | Math.min(depth, 0xFFFF));
            counters.increment(counter);
        }
    }

    /** One event per interface whose root qdisc dropped packets since the last read; its count in the low 16 bits. */
    private void queueDrops() {
        if (!refreshQueues()) {
            return;
        }
        for (int ifindex : interfaces.keySet()) {
            long now = qdiscs.drops(ifindex);
            long delta = now - lastDrops[ifindex];
            lastDrops[ifindex] = now;
            if (delta > 0) {
                counters.add(QUEUE_DROPPED_PACKETS, delta);
                event(EVENT_QUEUE_DROPS, (int) Math.min(delta, 0xFFFF), QUEUE_DROP_EVENTS);
            }
        }
    }

    /** The P4 reporter's flow key: src ++ dst ++ src port ++ dst port ++ protocol ++ 3 zero bytes. */
    private void flowKey(int src, int dst, int sport, int dport, int protocol) {
        put32(0, src);
        put32(4, dst);
        key[8] = (byte) (sport >>> 8);
        key[9] = (byte) sport;
        key[10] = (byte) (dport >>> 8);
        key[11] = (byte) dport;
        key[12] = (byte) protocol;
    }

    private void put32(int at, int v) {
        key[at] = (byte) (v >>> 24);
        key[at + 1] = (byte) (v >>> 16);
        key[at + 2] = (byte) (v >>> 8);
        key[at + 3] = (byte) v;
    }

    long counter(int index) {
        return counters.get(index);
    }

    /** What /status shows. */
    public Status status() {
        Map<String, Long> c = new TreeMap<>();
        for (int i = 0; i < COUNTER_NAMES.length; i++) {
            c.put(COUNTER_NAMES[i], counters.get(i));
        }
        List<InterfaceStatus> ifs = new ArrayList<>();
        interfaces.forEach((ifindex, name) -> ifs.add(new InterfaceStatus(name, ifindex, qdiscs.queueLength(ifindex), lastDrops[ifindex])));
        return new Status(config.name(), config.switchId(), config.address(), config.translator(), flows.size(), reloads, c,
                reporter.counters().sent(), reporter.counters().sendErrors(), ifs,
                "queue depth: packets in the egress interface's root qdisc (rtnetlink), read after the packet left it");
    }

    public record Status(String name, long switchId, String address, String translator, int flowRules, long reloads,
                         Map<String, Long> counters,
                         long reportsSent, long reportSendErrors, List<InterfaceStatus> interfaces, String queueDepth) {
    }

    public record InterfaceStatus(String name, int ifindex, int queueLength, long qdiscDrops) {
    }

    /** Prometheus text of the counters. */
    public String metrics() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < COUNTER_NAMES.length; i++) {
            String m = "dta_reporter_agent_" + COUNTER_NAMES[i] + "_total";
            b.append("# TYPE ").append(m).append(" counter\n").append(m).append(" ").append(counters.get(i)).append('\n');
        }
        b.append("# TYPE dta_reporter_agent_reports_sent_total counter\ndta_reporter_agent_reports_sent_total ")
                .append(reporter.counters().sent()).append('\n');
        b.append("# TYPE dta_reporter_agent_report_send_errors_total counter\ndta_reporter_agent_report_send_errors_total ")
                .append(reporter.counters().sendErrors()).append('\n');
        b.append("# TYPE dta_reporter_agent_queue_length gauge\n");
        interfaces.forEach((ifindex, name) -> b.append("dta_reporter_agent_queue_length{interface=\"").append(name).append("\"} ")
                .append(qdiscs.queueLength(ifindex)).append('\n'));
        return b.toString();
    }

    public String describe() {
        return "reporter agent " + config.name() + " (switch id " + switchId + ", " + Ipv4.format(address) + ") on "
                + interfaces.values() + ", " + flows.size() + " flow rule(s), reports to " + config.translator();
    }

    /** Asks the loop to end (within the tap's poll time); {@link #close} after {@link #run} returned. */
    public void stop() {
        running = false;
    }

    /** Sends what is pending and closes the sockets (after {@link #run} returned). */
    @Override
    public void close() {
        reporter.close();
        tap.close();
        qdiscs.close();
    }
}
