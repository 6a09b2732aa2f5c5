package net.dta.translator.p4runtime;

import io.grpc.Status;

/**
 * A P4Runtime request (or one update of a batch) that cannot be served: the gRPC canonical code of
 * the P4Runtime specification and a message that names what is wrong and what to do.
 */
public final class P4Error extends Exception {
    private final Status.Code code;

    public P4Error(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public Status status() {
        return Status.fromCode(code).withDescription(getMessage());
    }

    public static P4Error invalid(String message) {
        return new P4Error(Status.Code.INVALID_ARGUMENT, message);
    }
}
