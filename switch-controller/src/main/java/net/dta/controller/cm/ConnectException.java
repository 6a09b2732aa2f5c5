package net.dta.controller.cm;

/**
 * A queue pair that could not be connected: which collector, which step, what happened and what
 * to check. The message is complete on its own ("collector c2 (127.0.0.22): CM REQ sent 5 times,
 * no REP: is the collector running and listening on CM port 40041?").
 */
public final class ConnectException extends Exception {
    private final ConnectStep step;
    private final boolean permanent;

    public ConnectException(ConnectStep step, String message, boolean permanent) {
        super(message);
        this.step = step;
        this.permanent = permanent;
    }

    public ConnectException(ConnectStep step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.permanent = false;
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
}
