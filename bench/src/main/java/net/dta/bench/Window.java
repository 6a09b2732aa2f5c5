package net.dta.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import net.dta.reporter.load.LoadGenerator;
import net.dta.reporter.load.LoadResult;
import net.dta.reporter.load.LoadSpec;

/**
 * Runs a load for warm-up + measurement and samples counters and thread CPU times at the start and
 * the end of the measurement window only, so warm-up (JIT, page faults of fresh stores) is not
 * measured. Prints a progress line to {@code progress} every second.
 */
final class Window {
    /** What is sampled: counters (any monotonic count) and threads (CPU time; null = not present). */
    record Probe(LongSupplier[] counters, Thread[] threads) {
    }

    /**
     * Deltas over the window: counters, CPU nanoseconds per thread (-1 for a null thread), reports the load sent, and the
     * CPU nanoseconds the load generator's sender threads used (its own cost: is the sender the bottleneck?).
     */
    record Deltas(double seconds, long[] counters, long[] cpuNanos, long sent, LoadResult load, long senderCpuNanos) {
        double rate(int counter) {
            return counters[counter] / seconds;
        }
    }

    private Window() {
    }

    static Deltas measure(LoadSpec spec, Duration warmup, Duration window, Probe probe, PrintWriter progress, String label)
            throws Exception {
        return measure(spec, warmup, window, Duration.ZERO, probe, progress, label);
    }

    /**
     * @param jitSettle after the warm-up, wait up to this long for the JIT compilers to go quiet
     *                  ({@link Jit#settle}), so that the window measures the C2 code, not a recompilation
     */
    static Deltas measure(LoadSpec spec, Duration warmup, Duration window, Duration jitSettle, Probe probe, PrintWriter progress,
                          String label) throws Exception {
        LoadSpec timed = spec;
        AtomicReference<LoadResult> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (LoadGenerator g = LoadGenerator.open(timed)) {
            Thread runner = new Thread(() -> {
                try {
                    result.set(g.run(p -> { }, Duration.ofSeconds(1)));
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "dta-bench-load");
            runner.start();
            sleepWithProgress(warmup, g, progress, label + " warm-up");
            if (!jitSettle.isZero()) {
                Jit.settle(jitSettle, progress, label + " warm-up");
            }
            long[] c0 = counters(probe);
            long[] t0 = cpu(probe);
            long s0 = g.sent();
            long g0 = senderCpu();
            long n0 = System.nanoTime();
            sleepWithProgress(window, g, progress, label + " measuring");
            long[] c1 = counters(probe);
            long[] t1 = cpu(probe);
            long s1 = g.sent();
            long g1 = senderCpu();
            long n1 = System.nanoTime();
            g.stop();
            runner.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            long[] dc = new long[c0.length];
            for (int i = 0; i < dc.length; i++) {
                dc[i] = c1[i] - c0[i];
            }
            long[] dt = new long[t0.length];
            for (int i = 0; i < dt.length; i++) {
                dt[i] = t0[i] < 0 ? -1 : t1[i] - t0[i];
            }
            return new Deltas((n1 - n0) / 1e9, dc, dt, s1 - s0, result.get(), g1 - g0);
        }
    }

    private static void sleepWithProgress(Duration d, LoadGenerator g, PrintWriter progress, String label) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long start = System.nanoTime();
        long lastShown = -1;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(1000, Math.max(1, left / 1_000_000)));
            long shown = Math.round((System.nanoTime() - start) / 1e9);
            if (shown != lastShown) {
                // Once per second shown: the last short sleep of a window must not repeat the line.
                progress.printf(Locale.ROOT, "  %s %d/%.0f s: %,d reports sent%n", label, shown, d.toNanos() / 1e9, g.sent());
                progress.flush();
                lastShown = shown;
            }
        }
    }

    /** CPU time of the load generator's sender threads ({@code dta-load-N}, one load runs at a time in a benchmark). */
    private static long senderCpu() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("dta-load-")) {
                sum += Math.max(0, ThreadCpu.nanos(t));
            }
        }
        return sum;
    }

    private static long[] counters(Probe p) {
        long[] v = new long[p.counters().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = p.counters()[i].getAsLong();
        }
        return v;
    }

    private static long[] cpu(Probe p) {
        long[] v = new long[p.threads().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = p.threads()[i] == null ? -1 : ThreadCpu.nanos(p.threads()[i]);
        }
        return v;
    }
}
