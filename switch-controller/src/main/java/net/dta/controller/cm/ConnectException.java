package net.dta.controller.cm;

/**
 * A queue pair that could not be connected: which collector, which step, what happened and what
 * to check. The message is complete on its own ("collector c2 (127.0.0.22): CM REQ sent 5 times,
 * no REP (withdrawn with a REJ, timeout): is the collector running and listening on CM port 40041?").
 */
public final class ConnectException extends Exception {
    private final ConnectStep step;
    private final boolean permanent;
    private final long retryAfterMillis;

    public ConnectException(ConnectStep step, String message, boolean permanent) {
        this(step, message, permanent, -1);
    }

    /** @param retryAfterMillis when to try again (at most; the back-off may be shorter), or -1 for the back-off */
    public ConnectException(ConnectStep step, String message, boolean permanent, long retryAfterMillis) {
        super(message);
        this.step = step;
        this.permanent = permanent;
        this.retryAfterMillis = retryAfterMillis;
    }

    public ConnectException(ConnectStep step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.permanent = false;
        this.retryAfterMillis = -1;
    }

    public ConnectStep step() {
        return step;
    }

    /**
     * True when retrying cannot help until something changes (a collector that is not a DTA
     * collector, a REQ rejected for its service id); the controller still retries, at the longest back-off.
     */
    public boolean permanent() {
        return permanent;
    }

    /**
     * How soon a retry can succeed, when this failure says so (a REJ 10 whose cause the collector
     * clears at once), or -1: the caller's back-off decides.
     */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
