package net.dta.query.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import net.dta.query.QueryException;
import net.dta.query.model.StatusReport;

/**
 * The query service's Prometheus metrics ({@code /metrics}, docs/query.md "Metrics"):
 *
 * <ul>
 *   <li>{@code dta_query_seconds} (histogram; {@code operation}, {@code transport}, {@code outcome}):
 *       every query, with its latency;</li>
 *   <li>{@code dta_query_errors_total} ({@code operation}, {@code reason}): failed queries by reason;</li>
 *   <li>from each status snapshot: ingest counters and rates per store shard
 *       ({@code dta_ingest_operations_total}, {@code dta_ingest_bytes_total},
 *       {@code dta_ingest_operations_per_second}, {@code dta_ingest_bytes_per_second}; labels
 *       {@code collector}, {@code store}, {@code kind}, and {@code op} = write or atomic for operations),
 *       per primitive ({@code dta_ingest_primitive_operations_per_second}), store fill
 *       ({@code dta_store_fill_ratio}, {@code dta_store_key_write_success_probability}), collector and queue-pair
 *       health ({@code dta_collector_reachable}, {@code dta_queue_pair_up},
 *       {@code dta_queue_pair_packets_per_second}).</li>
 * </ul>
 */
public final class QueryMetrics {
    private final PrometheusMeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicLong> operations = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicLong> bytes = new ConcurrentHashMap<>();
    private final MultiGauge fill;
    private final MultiGauge success;
    private final MultiGauge opsRate;
    private final MultiGauge bytesRate;
    private final MultiGauge primitiveRate;
    private final MultiGauge reachable;
    private final MultiGauge queuePairUp;
    private final MultiGauge queuePairRate;

    public QueryMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public QueryMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        fill = MultiGauge.builder("dta.store.fill.ratio").description("Fraction of a store shard's units holding data").register(registry);
        success = MultiGauge.builder("dta.store.key.write.success.probability")
                .description("Key-Write: probability that a key written as many writes ago as the fill implies is still readable")
                .register(registry);
        opsRate = MultiGauge.builder("dta.ingest.operations.per.second").description("RDMA WRITEs or FETCH_ADDs per second into a store shard")
                .register(registry);
        bytesRate = MultiGauge.builder("dta.ingest.bytes.per.second").description("Bytes per second into a store shard").register(registry);
        primitiveRate = MultiGauge.builder("dta.ingest.primitive.operations.per.second")
                .description("RDMA operations per second into all stores of one kind").register(registry);
        reachable = MultiGauge.builder("dta.collector.reachable").description("1 when the collector's status could be read")
                .register(registry);
        queuePairUp = MultiGauge.builder("dta.queue.pair.up").description("1 when the queue pair is in RTS").register(registry);
        queuePairRate = MultiGauge.builder("dta.queue.pair.packets.per.second").description("Packets per second on the queue pair")
                .register(registry);
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

    /** Mirrors a status snapshot into the ingest, fill and health meters. */
    public synchronized void update(StatusReport report) {
        List<MultiGauge.Row<?>> fills = new ArrayList<>();
        List<MultiGauge.Row<?>> successes = new ArrayList<>();
        List<MultiGauge.Row<?>> ops = new ArrayList<>();
        List<MultiGauge.Row<?>> byteRates = new ArrayList<>();
        for (StatusReport.StoreStatus s : report.stores()) {
            Tags t = Tags.of("collector", s.collector(), "store", s.name(), "kind", s.kind());
            fills.add(MultiGauge.Row.of(t, s.fill()));
            if (s.keyWriteSuccessProbability() != null) {
                successes.add(MultiGauge.Row.of(t, s.keyWriteSuccessProbability()));
            }
            if (s.ingestKnown()) {
                ops.add(MultiGauge.Row.of(t.and("op", "write"), s.writesPerSecond()));
                ops.add(MultiGauge.Row.of(t.and("op", "atomic"), s.atomicsPerSecond()));
                byteRates.add(MultiGauge.Row.of(t, s.bytesPerSecond()));
                total(operations, "dta.ingest.operations", "RDMA operations into a store shard", t.and("op", "write")).set(s.writes());
                total(operations, "dta.ingest.operations", "RDMA operations into a store shard", t.and("op", "atomic")).set(s.atomics());
                total(bytes, "dta.ingest.bytes", "Bytes written (8 per FETCH_ADD) into a store shard", t)
                        .set(s.writeBytes() + 8 * s.atomics());
            }
        }
        fill.register(fills, true);
        success.register(successes, true);
        opsRate.register(ops, true);
        bytesRate.register(byteRates, true);
        List<MultiGauge.Row<?>> primitives = new ArrayList<>();
        for (StatusReport.PrimitiveIngest p : report.ingest()) {
            primitives.add(MultiGauge.Row.of(Tags.of("kind", p.kind()), p.operationsPerSecond()));
        }
        primitiveRate.register(primitives, true);
        List<MultiGauge.Row<?>> reach = new ArrayList<>();
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> qpRate = new ArrayList<>();
        for (StatusReport.CollectorHealth c : report.collectors()) {
            reach.add(MultiGauge.Row.of(Tags.of("collector", c.name()), c.reachable() ? 1 : 0));
            for (StatusReport.QueuePairHealth q : c.queuePairs()) {
                Tags t = Tags.of("collector", c.name(), "qpn", "0x" + Integer.toHexString(q.qpn()), "remote", q.remote());
                up.add(MultiGauge.Row.of(t, q.up() ? 1 : 0));
                qpRate.add(MultiGauge.Row.of(t, q.packetsPerSecond()));
            }
        }
        reachable.register(reach, true);
        queuePairUp.register(up, true);
        queuePairRate.register(qpRate, true);
    }

    private AtomicLong total(Map<Tags, AtomicLong> map, String name, String help, Tags tags) {
        return map.computeIfAbsent(tags, t -> {
            AtomicLong holder = new AtomicLong();
            FunctionCounter.builder(name, holder, AtomicLong::get).tags(t).description(help).register(registry);
            return holder;
        });
    }
}
