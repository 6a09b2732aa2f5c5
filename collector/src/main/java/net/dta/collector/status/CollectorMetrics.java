package net.dta.collector.status;

import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import net.dta.common.metrics.MirroredMeters;

/**
 * Prometheus metrics ({@code /metrics}) derived from a {@link CollectorStatus} at each scrape, so
 * that metrics and status always show the same numbers. The counters live in the endpoint and the
 * regions; here each is mirrored by a meter that reads the value of the last refresh. Queue pairs
 * come and go: meters of queue pairs (and drop reasons) no longer present are removed.
 *
 * <p>Names: counters end in {@code _total} (Micrometer adds it), everything starts with {@code dta_}.
 */
public final class CollectorMetrics {
    private final MirroredMeters meters = new MirroredMeters();

    public PrometheusMeterRegistry registry() {
        return meters.registry();
    }

    /** Refreshes every meter from the status and returns the Prometheus text exposition. */
    public synchronized String scrape(CollectorStatus s) {
        meters.begin();
        CollectorStatus.Ingest in = s.ingest();
        gauge("dta.collector.info", "Collector identity and ingest path (value 1)", 1, "collector", s.collector(),
                "ingest", in.mode(), "backend", in.backend(), "icrc_verified", Boolean.toString(in.icrcVerified()),
                "boot_id", s.bootId());
        gauge("dta.collector.uptime.seconds", "Seconds since the collector started", s.uptimeMillis() / 1000.0);
        gauge("dta.catalog.generation", "Catalog generation advertised in CM REPs", s.catalog().generation());
        gauge("dta.catalog.stores", "Stores in the catalog", s.catalog().storeCount());

        CollectorStatus.Connections c = s.connections();
        counter("dta.connection.requests", "RDMA CM REQs answered", c.requests());
        counter("dta.connection.established", "Queue pairs established", c.established());
        counter("dta.connection.closed", "Queue pairs closed", c.closed());
        counter("dta.connection.plain.clients", "REQs without DTA private data", c.plainClients());

        CollectorStatus.Endpoint e = s.endpoint();
        counter("dta.endpoint.packets.received", "RoCEv2 packets received", e.packetsReceived());
        counter("dta.endpoint.bytes.received", "RoCEv2 bytes received", e.bytesReceived());
        counter("dta.endpoint.packets.sent", "RoCEv2 packets sent (ACKs, NAKs, READ responses, CM)", e.packetsSent());
        counter("dta.endpoint.icrc.failures", "Packets dropped for a bad ICRC", e.icrcFailures());
        counter("dta.endpoint.unknown.qps", "Packets for a queue pair that does not exist", e.unknownQps());
        for (Map.Entry<String, Long> d : e.drops().entrySet()) {
            counter("dta.endpoint.drops", "Packets dropped before reaching a queue pair, by reason", d.getValue(), "reason", d.getKey());
        }

        gauge("dta.queue.pairs", "Queue pairs", s.queuePairs().size());
        for (CollectorStatus.QueuePair q : s.queuePairs()) {
            String[] t = {"qpn", "0x" + Integer.toHexString(q.qpn()), "remote", q.remote()};
            gauge("dta.queue.pair.up", "1 when the queue pair is in RTS, 0 in ERROR", "RTS".equals(q.state()) ? 1 : 0, t);
            counter("dta.queue.pair.packets", "Packets received on the queue pair", q.packets(), t);
            counter("dta.queue.pair.bytes", "Bytes received on the queue pair", q.bytes(), t);
            counter("dta.queue.pair.writes", "RDMA WRITEs executed", q.writes(), t);
            counter("dta.queue.pair.atomics", "FETCH_ADDs executed", q.atomics(), t);
            counter("dta.queue.pair.reads", "RDMA READs served", q.reads(), t);
            counter("dta.queue.pair.acks", "ACKs sent", q.acks(), t);
            counter("dta.queue.pair.psn.gaps", "PSN gaps (lost packets upstream)", q.psnGaps(), t);
            counter("dta.queue.pair.duplicates", "Duplicate packets", q.duplicates(), t);
            for (Map.Entry<String, Long> n : q.naks().entrySet()) {
                counter("dta.queue.pair.naks", "NAKs sent, by syndrome", n.getValue(), with(t, "syndrome", n.getKey()));
            }
            for (Map.Entry<String, Long> d : q.drops().entrySet()) {
                counter("dta.queue.pair.drops", "Packets dropped silently, by reason", d.getValue(), with(t, "reason", d.getKey()));
            }
        }

        for (CollectorStatus.Requester r : s.requesters()) {
            String[] t = {"remote", r.remote()};
            counter("dta.requester.queue.pairs", "Queue pairs this requester had (closed and replaced ones included)", r.queuePairs(), t);
            counter("dta.requester.packets", "Packets received from the requester, over all its queue pairs", r.packets(), t);
            counter("dta.requester.writes", "RDMA WRITEs executed for the requester, over all its queue pairs", r.writes(), t);
            counter("dta.requester.atomics", "FETCH_ADDs executed for the requester, over all its queue pairs", r.atomics(), t);
            counter("dta.requester.psn.gaps", "PSN gaps of the requester's queue pairs", r.psnGaps(), t);
            counter("dta.requester.duplicates", "Duplicate packets of the requester's queue pairs", r.duplicates(), t);
            for (Map.Entry<String, Long> d : r.drops().entrySet()) {
                counter("dta.requester.drops", "Packets of the requester's queue pairs dropped silently, by reason", d.getValue(),
                        with(t, "reason", d.getKey()));
            }
        }

        for (CollectorStatus.Store st : s.stores()) {
            String[] t = {"store", st.name(), "kind", st.kind()};
            gauge("dta.store.data.bytes", "Bytes of the store's data area", st.bytes(), t);
            counter("dta.store.writes", "RDMA WRITEs into the store", st.writes(), t);
            counter("dta.store.write.bytes", "Bytes written into the store", st.writeBytes(), t);
            counter("dta.store.atomics", "FETCH_ADDs on the store", st.atomics(), t);
            counter("dta.store.reads", "RDMA READs of the store", st.reads(), t);
            counter("dta.store.read.bytes", "Bytes read from the store", st.readBytes(), t);
            counter("dta.store.access.errors", "Requests refused with a remote access error", st.accessErrors(), t);
        }

        CollectorStatus.Persistence p = s.persistence();
        counter("dta.state.saves", "Queue-pair state saves", p.saves());
        counter("dta.state.save.failures", "Failed queue-pair state saves", p.saveFailures());

        return meters.scrape();
    }

    private static String[] with(String[] tags, String key, String value) {
        return MirroredMeters.with(tags, key, value);
    }

    private void counter(String name, String help, long value, String... tags) {
        meters.counter(name, help, value, tags);
    }

    private void gauge(String name, String help, double value, String... tags) {
        meters.gauge(name, help, value, tags);
    }
}
