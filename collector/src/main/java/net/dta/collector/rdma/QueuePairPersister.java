package net.dta.collector.rdma;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.collector.state.CollectorState;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaBackend;

/**
 * Saves the backend's queue-pair states every interval and once more when closed, so that a
 * restarted software collector can re-create them and the translator's queue pairs go on. After
 * a kill -9 the states are at most one interval old: the PSNs of packets accepted since then are
 * behind, and a requester that went on sending is ahead of them; the collector's announcement then
 * says its stop was not clean and the controller re-connects (docs/reliability.md "Restored queue
 * pairs after a crash"). The periodic saves serve a requester that stopped sending before the kill
 * (the state is exact then). A failed save is logged once per run of failures and counted.
 */
public final class QueuePairPersister implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuePairPersister.class);

    private final RdmaBackend backend;
    private final CollectorState state;
    private final ScheduledExecutorService timer;
    private final AtomicLong saves = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastSaveMillis;
    private volatile int lastCount;
    private volatile boolean failing;

    public QueuePairPersister(RdmaBackend backend, CollectorState state, Duration interval) {
        this.backend = backend;
        this.state = state;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dta-qp-persister");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::saveQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Saves now; returns the number of queue pairs saved. */
    public synchronized int save() {
        List<QueuePairState> states = backend.queuePairStates();
        state.saveQueuePairs(states);
        saves.incrementAndGet();
        lastSaveMillis = System.currentTimeMillis();
        lastCount = states.size();
        return states.size();
    }

    private void saveQuietly() {
        try {
            save();
            if (failing) {
                LOG.info("queue-pair states are saved again");
                failing = false;
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            if (!failing) {
                LOG.error("cannot save queue-pair states (will retry every interval): {}", e.toString());
                failing = true;
            }
        }
    }

    public record Status(long saves, long failures, long lastSaveMillis, int lastCount) {
    }

    public Status status() {
        return new Status(saves.get(), failures.get(), lastSaveMillis, lastCount);
    }

    /** Stops the timer and saves a last time. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int n = save();
            LOG.info("saved {} queue-pair state(s) at shutdown", n);
        } catch (RuntimeException e) {
            LOG.error("cannot save queue-pair states at shutdown: {}", e.toString());
        }
    }
}
