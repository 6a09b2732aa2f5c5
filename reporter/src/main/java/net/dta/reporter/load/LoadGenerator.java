package net.dta.reporter.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;

/**
 * Runs a {@link LoadSpec}: {@code threads} workers, each with its own {@link DtaReporter} (one
 * socket per thread, several sockets being the way past one sendmmsg loop), a share of the rate
 * and of the count, and the same start time.
 *
 * <pre>{@code
 * try (LoadGenerator g = LoadGenerator.open(spec)) {
 *     LoadResult r = g.run(p -> System.err.println(p.sent()), Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class LoadGenerator implements AutoCloseable {
    private final LoadSpec spec;
    private final List<LoadWorker> workers = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile boolean finished;

    private LoadGenerator(LoadSpec spec) {
        this.spec = spec;
    }

    /** Opens one socket per thread (nothing is sent yet). */
    public static LoadGenerator open(LoadSpec spec) throws IOException {
        LoadGenerator g = new LoadGenerator(spec);
        try {
            for (int t = 0; t < spec.threads(); t++) {
                long limit = spec.count() == 0 ? Long.MAX_VALUE
                        : spec.count() / spec.threads() + (t < spec.count() % spec.threads() ? 1 : 0);
                g.workers.add(new LoadWorker(spec, DtaReporter.open(spec.target()), t, limit, g.stop));
            }
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public LoadSpec spec() {
        return spec;
    }

    /**
     * Sends until the duration or count is reached, or {@link #stop()}; calls the listener about
     * every {@code interval} from this thread, and returns the totals.
     */
    public LoadResult run(LoadProgress.Listener listener, Duration interval) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = spec.duration() == null ? Long.MAX_VALUE : start + spec.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < workers.size(); t++) {
            LoadWorker w = workers.get(t);
            w.window(start, deadline);
            Thread thread = new Thread(w, "dta-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        long intervalNanos = Math.max(1_000_000, interval.toNanos());
        long lastSent = 0;
        long lastTime = start;
        long nextSample = start + intervalNanos;
        try {
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    long now = System.nanoTime();
                    if (now >= nextSample) {
                        long sent = sent();
                        listener.progress(new LoadProgress(now - start, sent, sendErrors(), (sent - lastSent) * 1e9 / (now - lastTime)));
                        lastSent = sent;
                        lastTime = now;
                        nextSample += intervalNanos * Math.max(1, (now - nextSample) / intervalNanos + 1);
                    }
                    thread.join(Math.max(1, (nextSample - System.nanoTime()) / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            stop();
            for (Thread thread : threads) {
                thread.join();
            }
            throw e;
        } finally {
            finished = true;
        }
        long end = workers.stream().mapToLong(LoadWorker::endNanos).max().orElse(start);
        long[] reports = new long[Primitive.values().length];
        long batches = 0;
        long flowsStarted = 0;
        long flowsCompleted = 0;
        long drain = 0;
        for (LoadWorker w : workers) {
            for (Primitive p : Primitive.values()) {
                reports[p.ordinal()] += w.reporter().counters().reports(p);
            }
            batches += w.reporter().counters().batches();
            flowsStarted += w.flowsStarted();
            flowsCompleted += w.flowsCompleted();
            drain += w.drainPostcards();
        }
        return new LoadResult(spec, reports, sent(), sendErrors(), batches, end - start, flowsStarted, flowsCompleted, drain,
                stop.get());
    }

    /** Ends the run early (any thread): workers finish their flows in flight, flush and stop. */
    public void stop() {
        stop.set(true);
    }

    public boolean finished() {
        return finished;
    }

    /** Reports the kernel accepted so far (any thread). */
    public long sent() {
        return workers.stream().mapToLong(w -> w.reporter().counters().sent()).sum();
    }

    /** Reports of a primitive handed to the sockets so far, over all threads (any thread). */
    public long reports(Primitive p) {
        return workers.stream().mapToLong(w -> w.reporter().counters().reports(p)).sum();
    }

    public long sendErrors() {
        return workers.stream().mapToLong(w -> w.reporter().counters().sendErrors()).sum();
    }

    @Override
    public void close() {
        for (LoadWorker w : workers) {
            w.reporter().close();
        }
    }
}
