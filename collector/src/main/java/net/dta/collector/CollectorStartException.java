package net.dta.collector;

/** The collector could not start; the message says which component failed, why, and what to do. */
public final class CollectorStartException extends Exception {
    public CollectorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
