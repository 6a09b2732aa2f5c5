package net.dta.query.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.query.model.StatusReport;
import net.dta.query.source.CollectorSource;

/**
 * Takes a status snapshot of every collector every refresh interval (on its own daemon thread),
 * and turns successive snapshots into rates. Status queries return the latest snapshot, so that a
 * dashboard polling often costs the collectors nothing more; {@link #refresh} takes one now.
 *
 * <p>Rates are the change of a counter over the time between two snapshots; a counter that went
 * down (a collector restarted) gives rate 0 for that interval. Snapshots closer than
 * {@link #MIN_RATE_INTERVAL_MILLIS} keep the previous rates.
 */
public final class StatusTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusTracker.class);
    static final long MIN_RATE_INTERVAL_MILLIS = 200;

    /** The sources and, for each, the stores it holds shards of. */
    public record Target(CollectorSource source, List<net.dta.protocol.layout.StoreDefinition> stores) {
    }

    private record Totals(long at, double a, double b, double c) {
    }

    private final Supplier<List<Target>> targets;
    private final QueryMetrics metrics;
    private final ScheduledExecutorService timer;
    private final Map<String, Totals> previous = new HashMap<>();
    private final Map<String, double[]> rates = new HashMap<>();
    private volatile StatusReport latest;

    public StatusTracker(Supplier<List<Target>> targets, QueryMetrics metrics, Duration interval) {
        this.targets = targets;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dta-query-status");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.warn("status refresh failed: {}", e.toString());
            }
        }, 0, ms, TimeUnit.MILLISECONDS);
    }

    /** The latest snapshot (taken now if there is none yet). */
    public StatusReport latest() {
        StatusReport r = latest;
        return r != null ? r : refresh();
    }

    /** Takes a snapshot now. */
    public synchronized StatusReport refresh() {
        long now = System.currentTimeMillis();
        List<StatusReport.CollectorHealth> collectors = new ArrayList<>();
        List<StatusReport.StoreStatus> stores = new ArrayList<>();
        for (Target t : targets.get()) {
            CollectorSource.Snapshot snap = t.source().snapshot(t.stores());
            StatusReport.CollectorHealth h = snap.health();
            List<StatusReport.QueuePairHealth> qps = new ArrayList<>();
            for (StatusReport.QueuePairHealth q : h.queuePairs()) {
                double[] r = rate("qp/" + h.name() + "/" + q.id() + "/" + q.remote(), now, q.packets(), 0, 0);
                qps.add(new StatusReport.QueuePairHealth(q.id(), q.remote(), q.state(), q.up(), q.packets(), q.writes(), q.atomics(), q.reads(), q.acks(), q.psnGaps(), q.duplicates(), q.naks(), q.drops(), r[0]));
            }
            double[] cr = h.reachable() && !h.bootId().isEmpty() ? rate("collector/" + h.name() + "/" + h.bootId(), now,
                    h.packetsReceived(), 0, 0) : new double[3];
            collectors.add(new StatusReport.CollectorHealth(h.name(), h.source(), h.statusSource(), h.reachable(), h.error(), h.bootId(),
                    h.uptimeMillis(), h.packetsReceived(), h.bytesReceived(), h.icrcFailures(), h.drops(), cr[0], qps));
            for (StatusReport.StoreStatus s : snap.stores()) {
                double[] r = s.ingestKnown() ? rate("store/" + s.collector() + "/" + s.name(), now, s.writes(), s.atomics(),
                        s.writeBytes() + 8 * s.atomics()) : new double[3];
                stores.add(new StatusReport.StoreStatus(s.name(), s.id(), s.kind(), s.collector(), s.capacity(), s.occupied(), s.fill(),
                        s.examined(), s.estimatedKeyWrites(), s.keyWriteSuccessProbability(), s.ingestKnown(), s.writes(),
                        s.writeBytes(), s.atomics(), s.reads(), s.accessErrors(), r[0], r[1], r[2], s.queries()));
            }
        }
        List<StatusReport.PrimitiveIngest> ingest = StatusReport.ingestOf(stores);
        StatusReport report = new StatusReport(now, collectors, stores, ingest);
        latest = report;
        metrics.update(report);
        return report;
    }

    /** Per-second rates of up to three counters since the previous snapshot of the same key. */
    private double[] rate(String key, long now, double a, double b, double c) {
        Totals prev = previous.get(key);
        double[] last = rates.getOrDefault(key, new double[3]);
        if (prev == null) {
            previous.put(key, new Totals(now, a, b, c));
            return last;
        }
        long dt = now - prev.at();
        if (dt < MIN_RATE_INTERVAL_MILLIS) {
            return last;
        }
        double s = dt / 1000.0;
        double[] r = {Math.max(0, a - prev.a()) / s, Math.max(0, b - prev.b()) / s, Math.max(0, c - prev.c()) / s};
        if (a < prev.a() || b < prev.b() || c < prev.c()) {
            r = new double[3];
        }
        previous.put(key, new Totals(now, a, b, c));
        rates.put(key, r);
        return r;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
