package net.dta.reporter.load;

/**
 * Rate control for one sending thread: a token bucket driven by {@link System#nanoTime()}. Report
 * i (0-based) is due at {@code start + (i + 1) / rate}; {@link #available} says how many are due
 * and not sent yet. Working from the absolute schedule (not from sleeps) keeps the average rate
 * exact whatever the sleep granularity: a late wake-up sends the reports that became due in one
 * batch. The bucket holds at most {@code burst} reports: after a stall (GC, descheduling) the
 * thread catches up by at most that many, and the rest of the missed schedule is dropped, so a
 * long stall shows as a lower achieved rate instead of a flood.
 */
final class RateSchedule {
    private final double nanosPerReport;
    private final long burst;
    private long start;
    private long issued;

    /** @param rate reports per second; 0 = unlimited */
    RateSchedule(double rate, long burst) {
        this.nanosPerReport = rate > 0 ? 1e9 / rate : 0;
        this.burst = Math.max(1, burst);
    }

    boolean unlimited() {
        return nanosPerReport == 0;
    }

    void start(long now) {
        this.start = now;
        this.issued = 0;
    }

    /** Reports due at {@code now} and not issued yet (capped at the bucket's depth). */
    long available(long now) {
        if (unlimited()) {
            return Long.MAX_VALUE;
        }
        long due = (long) ((now - start) / nanosPerReport);
        if (due - issued > burst) {
            // Forget the part of the schedule the bucket cannot hold.
            start += (long) ((due - issued - burst) * nanosPerReport);
            due = issued + burst;
        }
        return Math.max(0, due - issued);
    }

    void issued(long n) {
        issued += n;
    }

    /** When report number {@code issued + ahead} (0 = the next one) is due. */
    long dueTime(long ahead) {
        return start + (long) ((issued + ahead + 1) * nanosPerReport);
    }
}
