package net.dta.query.status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import net.dta.common.metrics.MetricFamilies;
import net.dta.query.QueryException;
import net.dta.query.model.StatusReport;

/**
 * The query service's Prometheus metrics ({@code /metrics}, docs/query.md "Metrics"); every name
 * starts with {@code dta_query_}:
 *
 * <ul>
 *   <li>{@code dta_query_seconds} (histogram; {@code operation}, {@code transport}, {@code outcome}):
 *       every query, with its latency, and {@code dta_query_errors_total} ({@code operation},
 *       {@code reason}): failed queries by reason. These two are events, counted by Micrometer;</li>
 *   <li>from the latest status snapshot, built at each scrape like every component's status
 *       metrics ({@link MetricFamilies}): ingest counters and rates per store shard
 *       ({@code dta_query_ingest_operations_total}, {@code dta_query_ingest_bytes_total},
 *       {@code dta_query_ingest_operations_per_second}, {@code dta_query_ingest_bytes_per_second}; labels
 *       {@code collector}, {@code store}, {@code kind}, and {@code op} = write or atomic for operations),
 *       per primitive ({@code dta_query_ingest_primitive_operations_per_second}), store fill
 *       ({@code dta_query_store_fill_ratio}, {@code dta_query_store_key_write_success_probability}),
 *       collector and queue-pair health ({@code dta_query_collector_reachable},
 *       {@code dta_query_queue_pair_up}, {@code dta_query_queue_pair_packets_per_second}).</li>
 * </ul>
 */
public final class QueryMetrics {
    private final PrometheusMeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    /** The latest status snapshot (StatusTracker's thread writes, scrapes read). */
    private volatile StatusReport report;

    public QueryMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public QueryMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        registry.getPrometheusRegistry().register(this::statusFamilies);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Runs one query, timing it and counting its failure reason. */
    public <T> T record(String operation, String transport, Supplier<T> query) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return query.get();
        } catch (QueryException e) {
            outcome = "error";
            error(operation, e.reason().code());
            throw e;
        } catch (RuntimeException e) {
            outcome = "error";
            error(operation, QueryException.Reason.INTERNAL.code());
            throw e;
        } finally {
            long nanos = System.nanoTime() - start;
            timers.computeIfAbsent(operation + '/' + transport + '/' + outcome, k -> Timer.builder("dta.query")
                    .description("Queries answered, by operation, transport and outcome")
                    .tags("operation", operation, "transport", transport, "outcome", k.substring(k.lastIndexOf('/') + 1))
                    .publishPercentileHistogram()
                    .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void error(String operation, String reason) {
        errors.computeIfAbsent(operation + '/' + reason, k -> Counter.builder("dta.query.errors")
                .description("Failed queries, by operation and reason").tags("operation", operation, "reason", reason)
                .register(registry)).increment();
    }

    /** Keeps {@code report} for the next scrapes. */
    public void update(StatusReport report) {
        this.report = report;
    }

    private MetricSnapshots statusFamilies() {
        StatusReport r = report;
        if (r == null) {
            return new MetricSnapshots();
        }
        MetricFamilies m = new MetricFamilies("dta_query_");
        for (StatusReport.StoreStatus s : r.stores()) {
            String[] t = {"collector", s.collector(), "store", s.name(), "kind", s.kind()};
            m.gauge("dta_query_store_fill_ratio", "Fraction of a store shard's units holding data", s.fill(), t);
            if (s.keyWriteSuccessProbability() != null) {
                m.gauge("dta_query_store_key_write_success_probability",
                        "Key-Write: probability that a key written as many writes ago as the fill implies is still readable",
                        s.keyWriteSuccessProbability(), t);
            }
            if (s.ingestKnown()) {
                String ops = "RDMA WRITEs or FETCH_ADDs per second into a store shard";
                m.gauge("dta_query_ingest_operations_per_second", ops, s.writesPerSecond(), MetricFamilies.with(t, "op", "write"));
                m.gauge("dta_query_ingest_operations_per_second", ops, s.atomicsPerSecond(), MetricFamilies.with(t, "op", "atomic"));
                m.gauge("dta_query_ingest_bytes_per_second", "Bytes per second into a store shard", s.bytesPerSecond(), t);
                String total = "RDMA operations into a store shard";
                m.counter("dta_query_ingest_operations_total", total, s.writes(), MetricFamilies.with(t, "op", "write"));
                m.counter("dta_query_ingest_operations_total", total, s.atomics(), MetricFamilies.with(t, "op", "atomic"));
                m.counter("dta_query_ingest_bytes_total", "Bytes written (8 per FETCH_ADD) into a store shard",
                        s.writeBytes() + 8 * s.atomics(), t);
            }
        }
        for (StatusReport.PrimitiveIngest p : r.ingest()) {
            m.gauge("dta_query_ingest_primitive_operations_per_second", "RDMA operations per second into all stores of one kind",
                    p.operationsPerSecond(), "kind", p.kind());
        }
        for (StatusReport.CollectorHealth c : r.collectors()) {
            m.gauge("dta_query_collector_reachable", "1 when the collector's status could be read", c.reachable() ? 1 : 0,
                    "collector", c.name());
            for (StatusReport.QueuePairHealth q : c.queuePairs()) {
                String[] t = {"collector", c.name(), "qp", q.id(), "remote", q.remote()};
                m.gauge("dta_query_queue_pair_up", "1 when the queue pair is in RTS", q.up() ? 1 : 0, t);
                m.gauge("dta_query_queue_pair_packets_per_second", "Packets per second on the queue pair", q.packetsPerSecond(), t);
            }
        }
        return m.snapshots();
    }
}
