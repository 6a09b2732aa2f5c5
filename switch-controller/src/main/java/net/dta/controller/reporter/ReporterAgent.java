package net.dta.controller.reporter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.dta.controller.DeviceAgent;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.P4Entities.EntryKey;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.controller.p4runtime.TableSync;
import net.dta.controller.p4runtime.WriteClient;
import net.dta.controller.status.ReporterStatus;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Deployment;
import net.dta.deployment.Ipv4Prefix;
import net.dta.deployment.ReporterSpec;
import net.dta.deployment.Route;
import net.dta.deployment.TranslatorSpec;
import net.dta.p4.P4InfoFiles;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Update;

import static net.dta.p4.ReporterP4Names.*;

/**
 * Controls one P4 reporter switch (p4/reporter): installs its pipeline and keeps
 * {@code Ingress.ipv4_routes}, {@code Egress.dta_reporter} (what it is, where reports go),
 * {@code Egress.dta_flows} (which flows are reported, and how) and clone session 501 (the port
 * towards the translator) as the deployment says; reads {@code Egress.dta_reports_sent}.
 */
public final class ReporterAgent extends DeviceAgent {
    static final List<String> TABLE_ORDER = List.of(IPV4_ROUTES, REPORTER, FLOWS);

    /** Replaced by a reload that keeps the switch (routes, flows, events, addresses may change). */
    private volatile ReporterSpec spec;
    private final TableSync tableSync;
    private Deployment deployment;
    private long[] reportsSent = new long[8];

    public ReporterAgent(ReporterSpec spec, Deployment deployment, ControllerSettings settings) throws IOException {
        super("reporter", spec.device(), settings, loadP4Info(spec.device(), P4InfoFiles.REPORTER_TNA, P4InfoFiles.REPORTER_V1MODEL));
        this.spec = spec;
        this.deployment = deployment;
        this.tableSync = new TableSync(device, TABLE_ORDER);
    }

    public ReporterSpec spec() {
        return spec;
    }

    @Override
    protected void program(boolean freshPipeline) throws P4RuntimeException {
        synchronized (this) {
            if (freshPipeline) {
                tableSync.clear();
            } else {
                tableSync.load();
            }
        }
        device.writer().apply(List.of(WriteClient.update(Update.Type.INSERT, P4Entities.cloneSession(REPORT_SESSION, spec.reportPort()))));
        sync();
    }

    private synchronized void sync() throws P4RuntimeException {
        if (!primary()) {
            return;
        }
        try {
            tableSync.apply(desired());
        } catch (P4RuntimeException e) {
            recordError(e.getMessage());
            throw e;
        }
    }

    /** The entries the deployment implies. */
    Map<EntryKey, TableEntry> desired() {
        Map<EntryKey, TableEntry> out = new LinkedHashMap<>();
        for (Route r : spec.routes()) {
            P4Entities.TableEntryBuilder b = p4.table(IPV4_ROUTES).lpm(F_DST_ADDR, r.prefix().address() & 0xFFFF_FFFFL, r.prefix().length());
            put(out, r.action() == Route.Action.FORWARD
                    ? b.action(FORWARD).param(P_PORT, r.port()).param(P_SRC_MAC, r.srcMac()).param(P_DST_MAC, r.dstMac()).build()
                    : b.action(DROP).build());
        }
        TranslatorSpec t = deployment.translator(spec.translator()).orElseThrow();
        ReporterSpec.Events ev = spec.events();
        put(out, p4.table(REPORTER).defaultEntry().action(SET_REPORTER)
                .param(P_SWITCH_ID, spec.switchId()).param(P_REPORTER_IP, spec.address() & 0xFFFF_FFFFL)
                .param(P_TRANSLATOR_IP, t.address() & 0xFFFF_FFFFL).param(P_SRC_MAC, spec.mac()).param(P_DST_MAC, spec.nextHopMac())
                .param(P_EVENTS_STORE, ev == null ? 0 : storeId(ev.store())).param(P_EVENTS_LIST, ev == null ? 0 : ev.list())
                .param(P_CONGESTION_THRESHOLD, ev == null ? 0 : ev.congestionThreshold()).build());
        for (ReporterSpec.Flow f : spec.flows()) {
            P4Entities.TableEntryBuilder b = p4.table(FLOWS).priority(f.priority());
            prefix(b, F_SRC_ADDR, f.src());
            prefix(b, F_DST_ADDR, f.dst());
            if (f.protocol() != null) {
                b.ternary(F_PROTOCOL, f.protocol(), 0xFF);
            }
            if (f.srcPort() != null) {
                b.ternary(F_SRC_PORT, f.srcPort(), 0xFFFF);
            }
            if (f.dstPort() != null) {
                b.ternary(F_DST_PORT, f.dstPort(), 0xFFFF);
            }
            put(out, b.action(MONITOR_FLOW).param(P_POSTCARD_STORE, storeId(f.postcardStore())).param(P_HOP, f.hop())
                    .param(P_PATH_LEN, f.pathLength()).param(P_QUEUE_STORE, storeId(f.queueStore()))
                    .param(P_BYTES_STORE, storeId(f.bytesStore())).param(P_SAMPLE_LOG2, f.sampleLog2()).build());
        }
        return out;
    }

    private static void put(Map<EntryKey, TableEntry> out, TableEntry e) {
        out.put(EntryKey.of(e), e);
    }

    private static void prefix(P4Entities.TableEntryBuilder b, String field, Ipv4Prefix p) {
        if (p != null && p.length() > 0) {
            b.ternary(field, p.address() & 0xFFFF_FFFFL, Ipv4Prefix.mask(p.length()) & 0xFFFF_FFFFL);
        }
    }

    private int storeId(String name) {
        return name == null ? 0 : deployment.store(name).orElseThrow().id();
    }

    /** Applies a changed deployment whose entry for this reporter is unchanged (store ids may have moved). */
    /**
     * Applies a changed deployment on the session thread: the reporter's own entries (routes,
     * flows, events, addresses) are brought to {@code nextSpec} by difference, without a new
     * session. The caller checked {@link #sameSwitch} first.
     */
    public void update(ReporterSpec nextSpec, Deployment next) {
        post(() -> {
            synchronized (this) {
                spec = nextSpec;
                deployment = next;
            }
            try {
                sync();
            } catch (P4RuntimeException e) {
                log.warn("reporter {}: applying the changed deployment: {}", nextSpec.name(), e.getMessage());
            }
        });
    }

    /**
     * What a reload cannot change without a new session: the switch's P4Runtime endpoint and
     * pipeline, and the clone session's port (written once when the pipeline is programmed).
     */
    public static boolean sameSwitch(ReporterSpec a, ReporterSpec b) {
        return a.device().equals(b.device()) && a.reportPort() == b.reportPort();
    }

    @Override
    protected void suspend(String why) {
        // Nothing runs besides the session itself.
    }

    @Override
    protected void poll() throws P4RuntimeException {
        int id = p4.index().counterId(CTR_REPORTS_SENT);
        long[] sent = new long[8];
        for (Entity e : device.reader().read(p4.counterQuery(CTR_REPORTS_SENT))) {
            if (e.hasCounterEntry() && e.getCounterEntry().getCounterId() == id) {
                int i = (int) e.getCounterEntry().getIndex().getIndex();
                if (i >= 0 && i < sent.length) {
                    sent[i] = e.getCounterEntry().getData().getPacketCount();
                }
            }
        }
        synchronized (this) {
            reportsSent = sent;
            if (!tableSync.valid()) {
                sync();
            }
        }
    }

    @Override
    protected void packetIn(PacketIn packet) {
        // The reporter pipeline sends nothing to its controller.
    }

    public synchronized ReporterStatus status() {
        SessionView s = sessionView();
        Map<String, Long> sent = new LinkedHashMap<>();
        sent.put("postcard", reportsSent[1]);
        sent.put("queue-depth", reportsSent[2]);
        sent.put("bytes", reportsSent[3]);
        sent.put("event", reportsSent[4]);
        return new ReporterStatus(spec.name(), endpoint.p4runtime().toString(), endpoint.deviceId(), endpoint.electionId(),
                endpoint.pipeline().configName(), s.state(), s.detail(), s.primary(), s.primaryElectionId(), s.sessions(),
                s.pipelinePushes(), tableSync.writes(), tableSync.failures(), s.lastError(), spec.flows().size(), sent);
    }
}
