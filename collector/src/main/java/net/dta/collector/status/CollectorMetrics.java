package net.dta.collector.status;

import java.util.Map;

import net.dta.common.metrics.MetricFamilies;

/**
 * The collector's Prometheus metrics ({@code /metrics}), built from a {@link CollectorStatus} at each
 * scrape so that metrics and status always show the same numbers; queue pairs (and drop reasons)
 * no longer in the status have no sample. Every name starts with {@code dta_collector_}
 * (docs/collector.md "Metrics").
 */
public final class CollectorMetrics {
    private final MetricFamilies m = new MetricFamilies("dta_collector_");

    private CollectorMetrics() {
    }

    /** The Prometheus text exposition of {@code s}. */
    public static String render(CollectorStatus s) {
        CollectorMetrics c = new CollectorMetrics();
        c.add(s);
        return c.m.text();
    }

    private void add(CollectorStatus s) {
        CollectorStatus.Ingest in = s.ingest();
        gauge("dta_collector_info", "Collector identity and ingest path (value 1)", 1, "collector", s.collector(),
                "ingest", in.mode(), "backend", in.backend(), "icrc_verified", Boolean.toString(in.icrcVerified()),
                "boot_id", s.bootId());
        gauge("dta_collector_uptime_seconds", "Seconds since the collector started", s.uptimeMillis() / 1000.0);
        gauge("dta_collector_catalog_generation", "Catalog generation advertised in CM REPs", s.catalog().generation());
        gauge("dta_collector_catalog_stores", "Stores in the catalog", s.catalog().storeCount());

        CollectorStatus.Connections c = s.connections();
        counter("dta_collector_connection_requests_total", "RDMA CM REQs answered", c.requests());
        counter("dta_collector_connection_established_total", "Queue pairs established", c.established());
        counter("dta_collector_connection_closed_total", "Queue pairs closed", c.closed());
        counter("dta_collector_connection_plain_clients_total", "REQs without DTA private data", c.plainClients());

        CollectorStatus.Endpoint e = s.endpoint();
        gauge("dta_collector_endpoint_running", "1 while the endpoint's responder thread runs, 0 once it failed (status: endpoint.failure)",
                e.failure() == null ? 1 : 0);
        counter("dta_collector_endpoint_packets_received_total", "RoCEv2 packets received", e.packetsReceived());
        gauge("dta_collector_endpoint_threads", "Data-plane threads of the software responder (0 with a NIC)",
                in.threads());
        for (int t = 0; t < in.packetsPerThread().size(); t++) {
            counter("dta_collector_endpoint_thread_packets_received_total",
                    "RoCEv2 packets each data-plane thread received (queue pairs steered by QPN mod threads)",
                    in.packetsPerThread().get(t), "thread", Integer.toString(t));
        }
        counter("dta_collector_endpoint_bytes_received_total", "RoCEv2 bytes received", e.bytesReceived());
        counter("dta_collector_endpoint_packets_sent_total", "RoCEv2 packets sent (ACKs, NAKs, READ responses, CM)", e.packetsSent());
        counter("dta_collector_endpoint_icrc_failures_total", "Packets dropped for a bad ICRC", e.icrcFailures());
        counter("dta_collector_endpoint_unknown_qps_total", "Packets for a queue pair that does not exist", e.unknownQps());
        for (Map.Entry<String, Long> d : e.drops().entrySet()) {
            counter("dta_collector_endpoint_drops_total", "Packets dropped before reaching a queue pair, by reason", d.getValue(), "reason", d.getKey());
        }

        gauge("dta_collector_queue_pairs", "Queue pairs", s.queuePairs().size());
        for (CollectorStatus.QueuePair q : s.queuePairs()) {
            String[] t = {"qp", q.id(), "remote", q.remote()};
            gauge("dta_collector_queue_pair_up", "1 when the queue pair is in RTS, 0 in ERROR", "RTS".equals(q.state()) ? 1 : 0, t);
            counter("dta_collector_queue_pair_packets_total", "Packets received on the queue pair", q.packets(), t);
            counter("dta_collector_queue_pair_bytes_total", "Bytes received on the queue pair", q.bytes(), t);
            counter("dta_collector_queue_pair_writes_total", "RDMA WRITEs executed", q.writes(), t);
            counter("dta_collector_queue_pair_atomics_total", "FETCH_ADDs executed", q.atomics(), t);
            counter("dta_collector_queue_pair_reads_total", "RDMA READs served", q.reads(), t);
            counter("dta_collector_queue_pair_acks_total", "ACKs sent", q.acks(), t);
            counter("dta_collector_queue_pair_psn_gaps_total", "PSN gaps (lost packets upstream)", q.psnGaps(), t);
            counter("dta_collector_queue_pair_duplicates_total", "Duplicate packets", q.duplicates(), t);
            for (Map.Entry<String, Long> n : q.naks().entrySet()) {
                counter("dta_collector_queue_pair_naks_total", "NAKs sent, by syndrome", n.getValue(), with(t, "syndrome", n.getKey()));
            }
            for (Map.Entry<String, Long> d : q.drops().entrySet()) {
                counter("dta_collector_queue_pair_drops_total", "Packets dropped silently, by reason", d.getValue(), with(t, "reason", d.getKey()));
            }
        }

        for (CollectorStatus.Requester r : s.requesters()) {
            String[] t = {"remote", r.remote()};
            counter("dta_collector_requester_queue_pairs_total", "Queue pairs this requester had (closed and replaced ones included)", r.queuePairs(), t);
            counter("dta_collector_requester_packets_total", "Packets received from the requester, over all its queue pairs", r.packets(), t);
            counter("dta_collector_requester_writes_total", "RDMA WRITEs executed for the requester, over all its queue pairs", r.writes(), t);
            counter("dta_collector_requester_atomics_total", "FETCH_ADDs executed for the requester, over all its queue pairs", r.atomics(), t);
            counter("dta_collector_requester_psn_gaps_total", "PSN gaps of the requester's queue pairs", r.psnGaps(), t);
            counter("dta_collector_requester_duplicates_total", "Duplicate packets of the requester's queue pairs", r.duplicates(), t);
            for (Map.Entry<String, Long> d : r.drops().entrySet()) {
                counter("dta_collector_requester_drops_total", "Packets of the requester's queue pairs dropped silently, by reason", d.getValue(),
                        with(t, "reason", d.getKey()));
            }
        }

        for (CollectorStatus.Store st : s.stores()) {
            String[] t = {"store", st.name(), "kind", st.kind()};
            gauge("dta_collector_store_data_bytes", "Bytes of the store's data area", st.bytes(), t);
            counter("dta_collector_store_writes_total", "RDMA WRITEs into the store", st.writes(), t);
            counter("dta_collector_store_write_bytes_total", "Bytes written into the store", st.writeBytes(), t);
            counter("dta_collector_store_atomics_total", "FETCH_ADDs on the store", st.atomics(), t);
            counter("dta_collector_store_reads_total", "RDMA READs of the store", st.reads(), t);
            counter("dta_collector_store_read_bytes_total", "Bytes read from the store", st.readBytes(), t);
            counter("dta_collector_store_access_errors_total", "Requests refused with a remote access error", st.accessErrors(), t);
        }

        CollectorStatus.Persistence p = s.persistence();
        counter("dta_collector_state_saves_total", "Queue-pair state saves", p.saves());
        counter("dta_collector_state_save_failures_total", "Failed queue-pair state saves", p.saveFailures());

    }

    private static String[] with(String[] labels, String name, String value) {
        return MetricFamilies.with(labels, name, value);
    }

    private void counter(String name, String help, long value, String... labels) {
        m.counter(name, help, value, labels);
    }

    private void gauge(String name, String help, double value, String... labels) {
        m.gauge(name, help, value, labels);
    }
}
