package net.dta.rdma.endpoint;

/** An endpoint operation failed; the message says what and, where possible, how to fix it. */
public class RdmaException extends Exception {
    public RdmaException(String message) {
        super(message);
    }

    public RdmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
