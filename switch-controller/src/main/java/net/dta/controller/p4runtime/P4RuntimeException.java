package net.dta.controller.p4runtime;

import io.grpc.Status;

/**
 * A P4Runtime RPC that failed: which device, which call, the gRPC status and what it means. The
 * message is meant for an operator ("translator tor-1 (127.0.0.1:9559): Write: UNAVAILABLE: ...").
 */
public class P4RuntimeException extends Exception {
    private final Status.Code code;

    public P4RuntimeException(String message, Status.Code code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The gRPC status code (UNAVAILABLE when the switch cannot be reached). */
    public Status.Code code() {
        return code;
    }

    /** True when the switch could not be reached or the call timed out: retry after a back-off. */
    public boolean unreachable() {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED;
    }
}
