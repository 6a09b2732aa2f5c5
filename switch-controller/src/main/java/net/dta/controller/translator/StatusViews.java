package net.dta.controller.translator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.Deployment;
import net.dta.deployment.StoreSpec;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.report.DropReason;

/**
 * The parts of a translator's {@code /status} (docs/operations.md) built from what the session
 * thread published: the queue pairs' snapshots, the tables as last computed and the translator's
 * counters as last read. Pure functions of their arguments; any thread.
 */
final class StatusViews {
    /** PacketIn reasons by code (translator-control.md 3). */
    private static final String[] PACKET_IN_REASONS = {"other", "cm_mad", "read_response", "queue_pair_error", "queue_pair_timeout",
            "unknown_queue_pair", "to_cpu", "other7"};

    private StatusViews() {
    }

    /** Each queue pair, with the translator's counters for it ({@code c} null before the first read). */
    static List<TranslatorStatus.QueuePairStatus> queuePairs(List<QueuePair.Snapshot> qps, TranslatorCounters c, Deployment d) {
        List<TranslatorStatus.QueuePairStatus> out = new ArrayList<>();
        for (QueuePair.Snapshot qp : qps) {
            int i = qp.collector().index();
            Map<String, Long> naks = new LinkedHashMap<>();
            if (c != null) {
                naks.put("psn_sequence", c.nak(i, 0));
                naks.put("invalid_request", c.nak(i, 1));
                naks.put("remote_access", c.nak(i, 2));
                naks.put("remote_operational", c.nak(i, 3));
            }
            out.add(new TranslatorStatus.QueuePairStatus(qp.collector().name(), i, qp.collector().addressText(),
                    qp.state().name().toLowerCase(), qp.step() == null ? "" : qp.step().label(), hex(TranslatorTables.qpnOf(qp.collector())),
                    qp.remoteQpn() < 0 ? "" : hex(qp.remoteQpn()), qp.startPsn() < 0 ? "" : hex(qp.startPsn()),
                    qp.bootId() == 0 ? "" : java.util.HexFormat.of().toHexDigits(qp.bootId()), qp.connects(), qp.downs(), qp.failures(),
                    qp.collectorRestarts(), qp.lastError(), qp.sinceMillis(), c != null && c.qpUp()[i] == 1, c == null ? 0 : c.nextPsn()[i],
                    c == null ? 0 : c.lostPackets()[i], c == null ? 0 : c.sentPackets()[i], c == null ? 0 : c.sentBytes()[i],
                    c == null ? 0 : c.acks()[i], naks, c == null ? 0 : c.resyncs()[i], c == null ? 0 : c.probes()[i],
                    d.storesOn(qp.collector()).stream().map(StoreSpec::name).toList()));
        }
        return out;
    }

    /** Each store of the deployment as the tables were last computed ({@code desired} null before that). */
    static List<TranslatorStatus.StoreStatus> stores(Deployment d, TranslatorTables.Desired desired) {
        List<TranslatorStatus.StoreStatus> stores = new ArrayList<>();
        for (StoreSpec st : d.stores()) {
            TranslatorTables.StoreView v = desired == null ? null : desired.stores().get(st.name());
            stores.add(new TranslatorStatus.StoreStatus(st.name(), st.id(),
                    v != null && v.definition() != null ? v.definition().kind().configName() : st.kind() == null ? "" : st.kind().configName(),
                    v != null && v.definition() != null ? Layouts.describe(v.definition().layout()) : "",
                    v != null && v.programmed(), v == null ? "0/" + st.collectors().size() : v.known().size() + "/" + v.holders().size(),
                    v == null ? -1 : v.tailBase(), st.appendBatch(), v == null ? null : v.error()));
        }
        return stores;
    }

    /** PacketIns by reason name (codes 0 and 7 together as "other"). */
    static Map<String, Long> packetIns(AtomicLongArray byReason) {
        Map<String, Long> ins = new LinkedHashMap<>();
        for (int r = 1; r <= 6; r++) {
            ins.put(PACKET_IN_REASONS[r], byReason.get(r));
        }
        ins.put("other", byReason.get(0) + byReason.get(7));
        return ins;
    }

    /** The translator's report and drop counters as last read. */
    static TranslatorStatus.Counters counters(TranslatorCounters c, String pollError) {
        return new TranslatorStatus.Counters(c == null ? 0 : c.readAtMillis(), pollError,
                reportMap(c == null ? null : c.reportPackets()), reportMap(c == null ? null : c.reportBytes()), dropMap(c));
    }

    private static Map<String, Long> reportMap(long[] v) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (StoreKind k : StoreKind.values()) {
            String name = k == StoreKind.SKETCH ? "sketch-merge" : k.configName();
            m.put(name, v == null ? 0 : v[k.code()]);
        }
        return m;
    }

    private static Map<String, Long> dropMap(TranslatorCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (c == null) {
            return m;
        }
        for (DropReason r : DropReason.values()) {
            if (r.code() > 0 && r.code() < c.drops().length) {
                m.put(r.label(), c.drops()[r.code()]);
            }
        }
        return m;
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
