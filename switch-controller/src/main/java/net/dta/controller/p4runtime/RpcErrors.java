package net.dta.controller.p4runtime;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Turns gRPC failures into operator messages: what was called on which device, and what to do. */
final class RpcErrors {
    private RpcErrors() {
    }

    static P4RuntimeException of(String device, String call, StatusRuntimeException e) {
        Status s = e.getStatus();
        String what = device + ": " + call + ": " + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        return switch (s.getCode()) {
            case PERMISSION_DENIED -> new NotPrimaryException(what
                    + " (this controller is not the primary: another controller has a higher election id)", e);
            case UNAVAILABLE -> new P4RuntimeException(what + " (is the switch's P4Runtime server running and reachable?)", s.getCode(), e);
            case DEADLINE_EXCEEDED -> new P4RuntimeException(what + " (no answer within the deadline: controller.rpc-deadline)", s.getCode(), e);
            default -> new P4RuntimeException(what, s.getCode(), e);
        };
    }
}
