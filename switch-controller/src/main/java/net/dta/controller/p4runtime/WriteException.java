package net.dta.controller.p4runtime;

import io.grpc.Status;
import java.util.List;

/**
 * A Write batch that the switch did not fully apply. With CONTINUE_ON_ERROR (our default) every
 * valid update was applied; {@link #errors} has one entry per update of the batch, in order,
 * {@code OK} for those that were applied.
 */
public final class WriteException extends P4RuntimeException {
    /** The outcome of one update: gRPC canonical code and the switch's message. */
    public record UpdateError(Status.Code code, String message) {
        public boolean ok() {
            return code == Status.Code.OK;
        }
    }

    private final List<UpdateError> errors;

    public WriteException(String message, Status.Code code, List<UpdateError> errors, Throwable cause) {
        super(message, code, cause);
        this.errors = List.copyOf(errors);
    }

    /** One per update, or empty when the switch gave no per-update details. */
    public List<UpdateError> errors() {
        return errors;
    }
}
