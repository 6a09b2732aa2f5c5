package net.dta.reporter.load;

/**
 * A progress sample of a running load.
 *
 * @param elapsedNanos since the start
 * @param sent         reports the kernel accepted so far
 * @param sendErrors   reports refused so far
 * @param currentRate  reports/s since the previous sample
 */
public record LoadProgress(long elapsedNanos, long sent, long sendErrors, double currentRate) {
    /** Receives a sample about every interval while a load runs (on the thread that called run). */
    @FunctionalInterface
    public interface Listener {
        void progress(LoadProgress progress);
    }
}
