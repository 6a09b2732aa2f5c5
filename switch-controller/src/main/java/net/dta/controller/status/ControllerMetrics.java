package net.dta.controller.status;

import java.util.Map;

import net.dta.common.metrics.MetricFamilies;

import static net.dta.common.metrics.MetricFamilies.with;

/**
 * {@code /metrics}: the controller's state and the translators' counters (as last read through
 * P4Runtime), built from a {@link ControllerStatus} at each scrape so that metrics and status
 * always agree. Every name starts with {@code dta_controller_}: {@code dta_controller_translator_*}
 * and {@code dta_controller_reporter_*} are the controller's view of its switches, distinct from
 * the software translator's own {@code dta_translator_*} (a sum across jobs never mixes the two).
 */
public final class ControllerMetrics {
    private ControllerMetrics() {
    }

    /** The Prometheus text exposition of {@code s}. */
    public static String render(ControllerStatus s) {
        MetricFamilies m = new MetricFamilies("dta_controller_");
        m.gauge("dta_controller_info", "Controller identity (value 1)", 1, "deployment", s.deployment());
        m.gauge("dta_controller_uptime_seconds", "Seconds since the controller started", s.uptimeMillis() / 1000.0);
        m.counter("dta_controller_reloads_total", "Deployment file changes applied", s.reloads());
        m.gauge("dta_controller_reload_failed", "1 when the last change of the deployment file was refused", s.reloadError() == null ? 0 : 1);
        for (TranslatorStatus t : s.translators()) {
            String[] tt = {"translator", t.name()};
            m.gauge("dta_controller_translator_primary", "1 when this controller is the translator's primary", t.primary() ? 1 : 0, tt);
            m.gauge("dta_controller_translator_ready", "1 when the translator is programmed and polled", "ready".equals(t.state()) ? 1 : 0, tt);
            m.counter("dta_controller_translator_sessions_total", "P4Runtime sessions opened", t.sessions(), tt);
            m.counter("dta_controller_translator_session_losses_total", "P4Runtime sessions lost (switch unreachable or restarted)", t.sessionLosses(), tt);
            m.counter("dta_controller_translator_pipeline_pushes_total", "Pipelines installed (SetForwardingPipelineConfig)", t.pipelinePushes(), tt);
            m.counter("dta_controller_translator_writes_total", "P4Runtime Write RPCs", t.writes(), tt);
            m.counter("dta_controller_translator_write_failures_total", "Table updates that failed", t.writeFailures(), tt);
            m.counter("dta_controller_translator_packet_outs_total", "PacketOuts sent (CM MADs, READs, ARP)", t.packetOuts(), tt);
            m.counter("dta_controller_translator_arp_replies_total", "ARP requests answered", t.arpReplies(), tt);
            for (Map.Entry<String, Long> e : t.cmEvents().entrySet()) {
                m.counter("dta_controller_translator_cm_events_total", "RDMA CM events: DREQs answered/ignored, DREQs sent for abandoned connections, REJs",
                        e.getValue(), with(tt, "event", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.packetIns().entrySet()) {
                m.counter("dta_controller_translator_packet_ins_total", "PacketIns received, by reason", e.getValue(), with(tt, "reason", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.counters().reports().entrySet()) {
                m.counter("dta_controller_translator_reports_total", "Reports accepted by the translator, by primitive", e.getValue(),
                        with(tt, "primitive", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.counters().drops().entrySet()) {
                m.counter("dta_controller_translator_drops_total", "Reports dropped by the translator, by reason", e.getValue(), with(tt, "reason", e.getKey()));
            }
            for (TranslatorStatus.QueuePairStatus q : t.queuePairs()) {
                String[] qt = {"translator", t.name(), "collector", q.collector()};
                m.gauge("dta_controller_translator_queue_pair_up", "1 when the queue pair carries traffic (controller's view)", "up".equals(q.state()) ? 1 : 0, qt);
                m.gauge("dta_controller_translator_queue_pair_qp_up", "The translator's dta_qp_up register", q.qpUp() ? 1 : 0, qt);
                m.counter("dta_controller_translator_queue_pair_connects_total", "Successful connections (CM + catalog)", q.connects(), qt);
                m.counter("dta_controller_translator_queue_pair_downs_total", "Times the queue pair went down", q.downs(), qt);
                m.counter("dta_controller_translator_queue_pair_failures_total", "Failed connection attempts", q.failures(), qt);
                m.counter("dta_controller_translator_queue_pair_collector_restarts_total", "New boot ids seen in REPs", q.collectorRestarts(), qt);
                m.counter("dta_controller_translator_queue_pair_sent_packets_total", "RoCEv2 requests sent", q.sentPackets(), qt);
                m.counter("dta_controller_translator_queue_pair_sent_bytes_total", "RoCEv2 request bytes sent", q.sentBytes(), qt);
                m.counter("dta_controller_translator_queue_pair_acks_total", "ACKs and ATOMIC ACKs received", q.acks(), qt);
                m.counter("dta_controller_translator_queue_pair_resyncs_total", "PSN resynchronisations", q.resyncs(), qt);
                m.counter("dta_controller_translator_queue_pair_lost_packets_total", "Packets lost to PSN resynchronisation", q.lostPackets(), qt);
                m.counter("dta_controller_translator_queue_pair_probes_total", "Liveness probes sent", q.probes(), qt);
                for (Map.Entry<String, Long> n : q.naks().entrySet()) {
                    m.counter("dta_controller_translator_queue_pair_naks_total", "NAKs received, by kind", n.getValue(), with(qt, "kind", n.getKey()));
                }
            }
            for (TranslatorStatus.StoreStatus st : t.stores()) {
                m.gauge("dta_controller_translator_store_programmed", "1 when the store is enabled on the translator",
                        st.programmed() ? 1 : 0, "translator", t.name(), "store", st.name());
            }
        }
        for (ReporterStatus r : s.reporters()) {
            String[] rt = {"reporter", r.name()};
            m.gauge("dta_controller_reporter_primary", "1 when this controller is the reporter's primary", r.primary() ? 1 : 0, rt);
            m.gauge("dta_controller_reporter_ready", "1 when the reporter is programmed and polled", "ready".equals(r.state()) ? 1 : 0, rt);
            m.counter("dta_controller_reporter_pipeline_pushes_total", "Pipelines installed", r.pipelinePushes(), rt);
            for (Map.Entry<String, Long> e : r.reportsSent().entrySet()) {
                m.counter("dta_controller_reporter_reports_sent_total", "Reports sent by the reporter, by kind", e.getValue(), with(rt, "kind", e.getKey()));
            }
        }
        return m.text();
    }
}
