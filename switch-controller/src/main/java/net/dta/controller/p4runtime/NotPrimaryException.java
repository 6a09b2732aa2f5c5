package net.dta.controller.p4runtime;

import io.grpc.Status;

/**
 * The switch refused a write because this controller is not its primary: another client holds a
 * higher election id (P4Runtime arbitration; the server answers PERMISSION_DENIED).
 */
public final class NotPrimaryException extends P4RuntimeException {
    public NotPrimaryException(String message, Throwable cause) {
        super(message, Status.Code.PERMISSION_DENIED, cause);
    }
}
