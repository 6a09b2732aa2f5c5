package net.dta.controller;

import java.time.Duration;

/** Exponential back-off between attempts: min, doubling up to max; reset after a success. Not thread-safe. */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long next;
    private int failures;

    public Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.next = minMillis;
    }

    /** The wait before the next attempt; each call doubles the one after. */
    public long nextDelayMillis() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        failures++;
        return d;
    }

    /** The longest wait, for failures that only a change elsewhere can cure. */
    public long maxDelayMillis() {
        failures++;
        return maxMillis;
    }

    public void reset() {
        next = minMillis;
        failures = 0;
    }

    /** Attempts that failed since the last success. */
    public int failures() {
        return failures;
    }
}
