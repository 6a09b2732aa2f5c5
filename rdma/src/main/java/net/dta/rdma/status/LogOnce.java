package net.dta.rdma.status;

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
