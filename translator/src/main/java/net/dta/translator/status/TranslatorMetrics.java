package net.dta.translator.status;

import java.util.Map;

import net.dta.common.metrics.MetricFamilies;

/**
 * The translator's Prometheus metrics ({@code /metrics}), built from a {@link TranslatorStatus} at
 * each scrape: the same snapshot as {@code /status}, so the two never disagree. Counters end in
 * {@code _total}; every name starts with {@code dta_translator_} (docs/translator.md "Metrics").
 */
public final class TranslatorMetrics {
    private TranslatorMetrics() {
    }

    /** The Prometheus text exposition of {@code s}. */
    public static String render(TranslatorStatus s) {
        MetricFamilies m = new MetricFamilies("dta_translator_");
        TranslatorStatus.Network n = s.network();
        m.gauge("dta_translator_info", "Translator identity and mode (value 1)", 1, "translator", s.translator(), "mode", n.mode(),
                "icrc_exact", Boolean.toString(n.icrcExact()), "device_id", Long.toString(s.deviceId()));
        m.gauge("dta_translator_uptime_seconds", "Seconds since the translator started", s.uptimeMillis() / 1000.0);
        m.gauge("dta_translator_data_plane_running", "1 while the data-plane thread runs", s.failure() == null ? 1 : 0);
        TranslatorStatus.P4Runtime p = s.p4runtime();
        m.gauge("dta_translator_pipeline_set", "1 once a forwarding pipeline is set", p.pipelineSet() ? 1 : 0);
        m.gauge("dta_translator_p4runtime_clients", "P4Runtime StreamChannel clients", p.clients());

        for (Map.Entry<String, Long> e : s.reports().accepted().entrySet()) {
            m.counter("dta_translator_reports_total", "Reports accepted, by primitive", e.getValue(), "primitive", e.getKey());
        }
        for (Map.Entry<String, Long> e : s.reports().acceptedBytes().entrySet()) {
            m.counter("dta_translator_report_bytes_total", "Bytes of reports accepted, by primitive", e.getValue(), "primitive", e.getKey());
        }
        for (Map.Entry<String, Long> e : s.reports().dropped().entrySet()) {
            m.counter("dta_translator_report_drops_total", "Reports dropped, by reason (protocol.md 2.5)", e.getValue(), "reason", e.getKey());
        }
        if (s.accounting() != null) {
            s.accounting().forEach((primitive, a) -> {
                m.counter("dta_translator_reports_applied_total", "Reports applied: the request carrying them was acknowledged",
                        a.applied(), "primitive", primitive);
                m.gauge("dta_translator_reports_pending", "Reports accepted and not yet applied or lost: held (postcard cache, "
                        + "Append batch) or in flight (sent, not acknowledged)", a.held(), "primitive", primitive, "where", "held");
                m.gauge("dta_translator_reports_pending", "", a.inFlight(), "primitive", primitive, "where", "in_flight");
                a.lost().forEach((reason, count) -> m.counter("dta_translator_reports_lost_total",
                        "Reports accepted and lost, by primitive and reason (protocol.md 5.6)", count, "primitive", primitive, "reason", reason));
            });
        }
        for (Map.Entry<String, Long> e : s.dataPlane().entrySet()) {
            m.counter("dta_translator_dataplane_" + e.getKey() + "_total", "Data plane: " + e.getKey().replace('_', ' '), e.getValue());
        }
        for (Map.Entry<String, Long> e : s.roceDrops().entrySet()) {
            m.counter("dta_translator_roce_drops_total", "RoCEv2 packets to the translator dropped as malformed, by reason",
                    e.getValue(), "reason", e.getKey());
        }
        m.gauge("dta_translator_queue_pairs", "Queue pair entries", s.queuePairs().size());
        for (TranslatorStatus.QueuePair q : s.queuePairs()) {
            String c = Integer.toString(q.collector());
            m.gauge("dta_translator_queue_pair_up", "1 when the queue pair carries traffic (dta_qp_up)", q.up() ? 1 : 0, "collector", c);
            m.counter("dta_translator_queue_pair_requests_total", "RoCEv2 requests sent (dta_qp_sent)", q.sent(), "collector", c);
            m.counter("dta_translator_queue_pair_request_bytes_total", "Bytes of requests sent", q.sentBytes(), "collector", c);
            m.counter("dta_translator_queue_pair_acks_total", "ACKs and ATOMIC ACKs received", q.acks(), "collector", c);
            for (Map.Entry<String, Long> e : q.naks().entrySet()) {
                m.counter("dta_translator_queue_pair_naks_total", "NAKs received, by kind", e.getValue(), "collector", c, "kind", e.getKey());
            }
            m.counter("dta_translator_queue_pair_resyncs_total", "PSN resynchronisations", q.resyncs(), "collector", c);
            m.counter("dta_translator_queue_pair_lost_packets_total", "Packets lost to PSN resynchronisation (dta_lost_packets)",
                    q.lostPackets(), "collector", c);
            m.counter("dta_translator_queue_pair_probes_total", "Liveness probes sent", q.probes(), "collector", c);
            if (q.sendWindow() >= 0) {
                m.gauge("dta_translator_queue_pair_send_window", "Requests the retransmitting requester may have unacknowledged now "
                        + "(adapts to the loss rate, protocol.md 5.6)", q.sendWindow(), "collector", c);
                m.gauge("dta_translator_queue_pair_retransmit_timeout_seconds", "The retransmit timeout now (RFC 6298 from measured "
                        + "round trips, at most the configured one)", q.retransmitTimeoutMicros() / 1e6, "collector", c);
            }
        }
        TranslatorStatus.Held h = s.held();
        m.gauge("dta_translator_postcard_flows_held", "Postcard cache entries holding a flow", h.postcardFlows());
        m.gauge("dta_translator_append_batches_held", "Append lists with a partial batch held", h.appendBatches());
        TranslatorStatus.Sockets k = s.sockets();
        m.counter("dta_translator_socket_report_datagrams_total", "Datagrams received on the report socket", k.reportsReceived());
        m.counter("dta_translator_socket_roce_received_total", "Packets received on the RoCEv2 socket", k.roceReceived());
        m.counter("dta_translator_socket_roce_sent_total", "Packets sent on the RoCEv2 socket", k.roceSent());
        m.counter("dta_translator_socket_roce_send_errors_total", "Send errors on the RoCEv2 socket", k.roceSendErrors());
        if (k.reportKernelDrops() >= 0) {
            m.counter("dta_translator_socket_report_kernel_drops_total",
                    "Report datagrams the kernel dropped: the report socket's receive buffer was full", k.reportKernelDrops());
        }
        if (k.roceKernelDrops() >= 0) {
            m.counter("dta_translator_socket_roce_kernel_drops_total",
                    "RoCEv2 packets the kernel dropped: the RoCEv2 socket's receive buffer was full", k.roceKernelDrops());
        }
        TranslatorStatus.IntIngest in = s.intIngest();
        if (in != null) {
            m.counter("dta_translator_int_datagrams_total", "Telemetry Report (INT) datagrams received (docs/int.md)", in.datagrams());
            m.counter("dta_translator_int_reports_total", "Individual INT reports received", in.reports());
            m.counter("dta_translator_int_converted_total", "DTA reports made from INT reports (then checked like any report)",
                    in.converted());
            for (Map.Entry<String, Long> e : in.dropped().entrySet()) {
                m.counter("dta_translator_int_drops_total", "INT telemetry not converted, by reason (docs/int.md)", e.getValue(),
                        "reason", e.getKey());
            }
            for (Map.Entry<String, Long> e : in.notes().entrySet()) {
                m.counter("dta_translator_int_notes_total", "INT reports with a part skipped, nothing lost, by kind (docs/int.md)",
                        e.getValue(), "kind", e.getKey());
            }
        }
        return m.text();
    }
}
