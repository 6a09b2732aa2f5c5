package net.dta.bench;

import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * The JIT compilers' activity in this JVM ({@link CompilationMXBean}): a benchmark window that
 * overlaps a recompilation of the hot loop measures profiled C1 code, several times slower than
 * the C2 code it ends with (docs/performance.md, "the slow mode").
 */
final class Jit {
    /** A second in which the compilers worked less than this counts as quiet. */
    static final long QUIET_MILLIS_PER_SECOND = 50;
    private static final CompilationMXBean BEAN = ManagementFactory.getCompilationMXBean();

    private Jit() {
    }

    /** Milliseconds the compilers have spent so far, or -1 when the JVM does not say. */
    static long millis() {
        return BEAN != null && BEAN.isCompilationTimeMonitoringSupported() ? BEAN.getTotalCompilationTime() : -1;
    }

    /**
     * Waits (while the load runs) until a second passes in which the compilers worked less than
     * {@link #QUIET_MILLIS_PER_SECOND}, for at most {@code max}; says so on {@code progress}.
     */
    static void settle(Duration max, PrintWriter progress, String label) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        long before = millis();
        if (before < 0) {
            return;
        }
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            long now = millis();
            long spent = now - before;
            before = now;
            if (spent < QUIET_MILLIS_PER_SECOND) {
                return;
            }
            progress.printf(Locale.ROOT, "  %s: the JIT compiled for %d ms in the last second; warming up longer%n", label, spent);
            progress.flush();
        }
        progress.printf(Locale.ROOT, "  %s: the JIT is still compiling after %d s more warm-up; measuring anyway (see JIT-MS)%n", label,
                max.toSeconds());
        progress.flush();
    }
}
