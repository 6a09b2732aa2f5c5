package net.dta.translator.testing;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import p4.v1.P4RuntimeOuterClass;

/** The per-update errors of a failed P4Runtime Write (google.rpc.Status details of p4.v1.Error). */
public final class Errors {
    private Errors() {
    }

    public static List<P4RuntimeOuterClass.Error> details(StatusRuntimeException e) {
        List<P4RuntimeOuterClass.Error> out = new ArrayList<>();
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        if (s == null) {
            return out;
        }
        for (Any a : s.getDetailsList()) {
            try {
                out.add(a.unpack(P4RuntimeOuterClass.Error.class));
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }
        return out;
    }
}
