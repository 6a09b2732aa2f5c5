package net.dta.query;

import io.grpc.Status;

/**
 * A query that cannot be answered, with a stable {@link Reason} that both transports map to their
 * own codes (gRPC status, HTTP status) and a message that says what was wrong and what is valid.
 */
public final class QueryException extends RuntimeException {
    /** Reason codes (docs/query.md, "Errors"): the same strings over gRPC (trailer) and HTTP (JSON body). */
    public enum Reason {
        UNKNOWN_STORE("unknown_store", 404, Status.Code.NOT_FOUND),
        UNKNOWN_COLLECTOR("unknown_collector", 404, Status.Code.NOT_FOUND),
        BAD_KEY("bad_key", 400, Status.Code.INVALID_ARGUMENT),
        BAD_ARGUMENT("bad_argument", 400, Status.Code.INVALID_ARGUMENT),
        WRONG_KIND("wrong_kind", 400, Status.Code.INVALID_ARGUMENT),
        NO_COLLECTOR("no_collector", 409, Status.Code.FAILED_PRECONDITION),
        COLLECTOR_UNAVAILABLE("collector_unavailable", 503, Status.Code.UNAVAILABLE),
        INTERNAL("internal", 500, Status.Code.INTERNAL);

        private final String code;
        private final int httpStatus;
        private final Status.Code grpcCode;

        Reason(String code, int httpStatus, Status.Code grpcCode) {
            this.code = code;
            this.httpStatus = httpStatus;
            this.grpcCode = grpcCode;
        }

        public String code() {
            return code;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public Status.Code grpcCode() {
            return grpcCode;
        }

        /** Never throws: INTERNAL for an unknown code (a newer server's reason). */
        public static Reason ofCode(String code) {
            for (Reason r : values()) {
                if (r.code.equals(code)) {
                    return r;
                }
            }
            return INTERNAL;
        }
    }

    private final Reason reason;

    public QueryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public QueryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
