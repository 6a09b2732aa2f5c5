package net.dta.controller.status;

import java.util.Map;

import net.dta.common.metrics.MirroredMeters;

import static net.dta.common.metrics.MirroredMeters.with;

/**
 * {@code /metrics}: the controller's state and the translators' counters (as last read through
 * P4Runtime), derived from a {@link ControllerStatus} at each scrape so that metrics and status
 * always agree. Every name starts with {@code dta_controller_}, {@code dta_translator_} or
 * {@code dta_reporter_}.
 */
public final class ControllerMetrics {
    private final MirroredMeters m = new MirroredMeters();

    public synchronized String scrape(ControllerStatus s) {
        m.begin();
        m.gauge("dta.controller.info", "Controller identity (value 1)", 1, "deployment", s.deployment());
        m.gauge("dta.controller.uptime.seconds", "Seconds since the controller started", s.uptimeMillis() / 1000.0);
        m.counter("dta.controller.reloads", "Deployment file changes applied", s.reloads());
        m.gauge("dta.controller.reload.failed", "1 when the last change of the deployment file was refused", s.reloadError() == null ? 0 : 1);
        for (TranslatorStatus t : s.translators()) {
            String[] tt = {"translator", t.name()};
            m.gauge("dta.translator.primary", "1 when this controller is the translator's primary", t.primary() ? 1 : 0, tt);
            m.gauge("dta.translator.ready", "1 when the translator is programmed and polled", "ready".equals(t.state()) ? 1 : 0, tt);
            m.counter("dta.translator.sessions", "P4Runtime sessions opened", t.sessions(), tt);
            m.counter("dta.translator.session.losses", "P4Runtime sessions lost (switch unreachable or restarted)", t.sessionLosses(), tt);
            m.counter("dta.translator.pipeline.pushes", "Pipelines installed (SetForwardingPipelineConfig)", t.pipelinePushes(), tt);
            m.counter("dta.translator.writes", "P4Runtime Write RPCs", t.writes(), tt);
            m.counter("dta.translator.write.failures", "Table updates that failed", t.writeFailures(), tt);
            m.counter("dta.translator.packet.outs", "PacketOuts sent (CM MADs, READs, ARP)", t.packetOuts(), tt);
            m.counter("dta.translator.arp.replies", "ARP requests answered", t.arpReplies(), tt);
            for (Map.Entry<String, Long> e : t.cmEvents().entrySet()) {
                m.counter("dta.translator.cm.events", "RDMA CM events: DREQs answered/ignored, DREQs sent for abandoned connections, REJs",
                        e.getValue(), with(tt, "event", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.packetIns().entrySet()) {
                m.counter("dta.translator.packet.ins", "PacketIns received, by reason", e.getValue(), with(tt, "reason", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.counters().reports().entrySet()) {
                m.counter("dta.translator.reports", "Reports accepted by the translator, by primitive", e.getValue(),
                        with(tt, "primitive", e.getKey()));
            }
            for (Map.Entry<String, Long> e : t.counters().drops().entrySet()) {
                m.counter("dta.translator.drops", "Reports dropped by the translator, by reason", e.getValue(), with(tt, "reason", e.getKey()));
            }
            for (TranslatorStatus.QueuePairStatus q : t.queuePairs()) {
                String[] qt = {"translator", t.name(), "collector", q.collector()};
                m.gauge("dta.translator.queue.pair.up", "1 when the queue pair carries traffic (controller's view)", "up".equals(q.state()) ? 1 : 0, qt);
                m.gauge("dta.translator.queue.pair.qp.up", "The translator's dta_qp_up register", q.qpUp() ? 1 : 0, qt);
                m.counter("dta.translator.queue.pair.connects", "Successful connections (CM + catalog)", q.connects(), qt);
                m.counter("dta.translator.queue.pair.downs", "Times the queue pair went down", q.downs(), qt);
                m.counter("dta.translator.queue.pair.failures", "Failed connection attempts", q.failures(), qt);
                m.counter("dta.translator.queue.pair.collector.restarts", "New boot ids seen in REPs", q.collectorRestarts(), qt);
                m.counter("dta.translator.queue.pair.sent.packets", "RoCEv2 requests sent", q.sentPackets(), qt);
                m.counter("dta.translator.queue.pair.sent.bytes", "RoCEv2 request bytes sent", q.sentBytes(), qt);
                m.counter("dta.translator.queue.pair.acks", "ACKs and ATOMIC ACKs received", q.acks(), qt);
                m.counter("dta.translator.queue.pair.resyncs", "PSN resynchronisations", q.resyncs(), qt);
                m.counter("dta.translator.queue.pair.lost.packets", "Packets lost to PSN resynchronisation", q.lostPackets(), qt);
                m.counter("dta.translator.queue.pair.probes", "Liveness probes sent", q.probes(), qt);
                for (Map.Entry<String, Long> n : q.naks().entrySet()) {
                    m.counter("dta.translator.queue.pair.naks", "NAKs received, by kind", n.getValue(), with(qt, "kind", n.getKey()));
                }
            }
            for (TranslatorStatus.StoreStatus st : t.stores()) {
                m.gauge("dta.translator.store.programmed", "1 when the store is enabled on the translator",
                        st.programmed() ? 1 : 0, "translator", t.name(), "store", st.name());
            }
        }
        for (ReporterStatus r : s.reporters()) {
            String[] rt = {"reporter", r.name()};
            m.gauge("dta.reporter.primary", "1 when this controller is the reporter's primary", r.primary() ? 1 : 0, rt);
            m.gauge("dta.reporter.ready", "1 when the reporter is programmed and polled", "ready".equals(r.state()) ? 1 : 0, rt);
            m.counter("dta.reporter.pipeline.pushes", "Pipelines installed", r.pipelinePushes(), rt);
            for (Map.Entry<String, Long> e : r.reportsSent().entrySet()) {
                m.counter("dta.reporter.reports.sent", "Reports sent by the reporter, by kind", e.getValue(), with(rt, "kind", e.getKey()));
            }
        }
        return m.scrape();
    }
}
