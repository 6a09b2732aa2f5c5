package net.dta.collector.state;

/** The persisted collector state cannot be read or written; the message names the file and the fix. */
public final class StateException extends Exception {
    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
