package net.dta.packetio.status;

import org.slf4j.Logger;

/**
 * Logs the first occurrence of each reason (by index) and stays quiet after: bad input on a
 * line-rate path becomes a counter plus one log line, never a flood.
 */
public final class LogOnce {
    private final Logger logger;
    private final boolean[] logged;

    public LogOnce(Logger logger, int reasons) {
        this.logger = logger;
        this.logged = new boolean[reasons];
    }

    /**
     * Whether {@code reason} has not been logged yet. Hot paths test this first so that the
     * varargs array and boxed arguments of {@link #warn} are only built once.
     */
    public boolean pending(int reason) {
        return reason >= 0 && reason < logged.length && !logged[reason];
    }

    /** Warns with the message the first time {@code reason} is seen; returns whether it logged. */
    public boolean warn(int reason, String format, Object... arguments) {
        if (reason < 0 || reason >= logged.length || logged[reason]) {
            return false;
        }
        logged[reason] = true;
        logger.warn(format + " (logged once; see the counters for how often)", arguments);
        return true;
    }
}
