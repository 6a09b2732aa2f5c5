package net.dta.controller.p4runtime;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.Error;
import p4.v1.P4RuntimeOuterClass.Uint128;
import p4.v1.P4RuntimeOuterClass.Update;
import p4.v1.P4RuntimeOuterClass.WriteRequest;

/**
 * Writes entities: one Write RPC per batch, carrying the device id, role 0 and this client's
 * election id, with a deadline. PERMISSION_DENIED becomes {@link NotPrimaryException}; a partly
 * applied batch a {@link WriteException} with the outcome of each update.
 */
public final class WriteClient {
    private final String device;
    private final P4RuntimeGrpc.P4RuntimeBlockingStub stub;
    private final long deviceId;
    private final Uint128 electionId;
    private final Duration deadline;
    private final P4Entities entities;

    WriteClient(String device, P4RuntimeGrpc.P4RuntimeBlockingStub stub, long deviceId, Uint128 electionId, Duration deadline,
                P4Entities entities) {
        this.device = device;
        this.stub = stub;
        this.deviceId = deviceId;
        this.electionId = electionId;
        this.deadline = deadline;
        this.entities = entities;
    }

    public static Update update(Update.Type type, Entity entity) {
        return Update.newBuilder().setType(type).setEntity(entity).build();
    }

    /** One batch, CONTINUE_ON_ERROR. */
    public void write(List<Update> updates) throws P4RuntimeException {
        if (updates.isEmpty()) {
            return;
        }
        WriteRequest request = WriteRequest.newBuilder().setDeviceId(deviceId).setRoleId(0).setElectionId(electionId)
                .addAllUpdates(updates).setAtomicity(WriteRequest.Atomicity.CONTINUE_ON_ERROR).build();
        try {
            stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).write(request);
        } catch (StatusRuntimeException e) {
            P4RuntimeException plain = RpcErrors.of(device, "Write", e);
            if (plain instanceof NotPrimaryException || e.getStatus().getCode() == Status.Code.UNAVAILABLE
                    || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                throw plain;
            }
            List<WriteException.UpdateError> errors = details(e);
            throw new WriteException(describe(updates, errors, e), e.getStatus().getCode(), errors, e);
        }
    }

    /**
     * Makes the switch hold these entities whatever it held before: INSERTs that meet an existing
     * entry are retried as MODIFY, DELETEs of entries that are already gone count as done.
     */
    public void apply(List<Update> updates) throws P4RuntimeException {
        try {
            write(updates);
        } catch (WriteException e) {
            if (e.errors().size() != updates.size()) {
                throw e;
            }
            List<Update> retry = new ArrayList<>();
            List<WriteException.UpdateError> remaining = new ArrayList<>();
            for (int i = 0; i < updates.size(); i++) {
                WriteException.UpdateError err = e.errors().get(i);
                Update u = updates.get(i);
                if (err.ok() || (u.getType() == Update.Type.DELETE && err.code() == Status.Code.NOT_FOUND)) {
                    continue;
                }
                if (u.getType() == Update.Type.INSERT && err.code() == Status.Code.ALREADY_EXISTS) {
                    retry.add(u.toBuilder().setType(Update.Type.MODIFY).build());
                } else {
                    remaining.add(err);
                }
            }
            if (!remaining.isEmpty()) {
                throw e;
            }
            write(retry);
        }
    }

    private static List<WriteException.UpdateError> details(StatusRuntimeException e) {
        List<WriteException.UpdateError> out = new ArrayList<>();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return out;
        }
        for (Any d : status.getDetailsList()) {
            if (!d.is(Error.class)) {
                continue;
            }
            try {
                Error err = d.unpack(Error.class);
                out.add(new WriteException.UpdateError(Status.fromCodeValue(err.getCanonicalCode()).getCode(), err.getMessage()));
            } catch (InvalidProtocolBufferException bad) {
                out.add(new WriteException.UpdateError(Status.Code.UNKNOWN, "unreadable error detail: " + bad.getMessage()));
            }
        }
        return out;
    }

    private String describe(List<Update> updates, List<WriteException.UpdateError> errors, StatusRuntimeException e) {
        StringBuilder b = new StringBuilder(device).append(": Write of ").append(updates.size()).append(" update(s) failed: ")
                .append(e.getStatus().getCode());
        if (e.getStatus().getDescription() != null) {
            b.append(": ").append(e.getStatus().getDescription());
        }
        int shown = 0;
        for (int i = 0; i < errors.size() && i < updates.size(); i++) {
            WriteException.UpdateError err = errors.get(i);
            if (err.ok()) {
                continue;
            }
            if (shown++ == 3) {
                b.append("; ...");
                break;
            }
            b.append("; update ").append(i).append(" (").append(describe(updates.get(i))).append("): ").append(err.code())
                    .append(err.message().isEmpty() ? "" : ": " + err.message());
        }
        return b.toString();
    }

    /** "INSERT Ingress.dta_regions" and the like. */
    public String describe(Update u) {
        Entity en = u.getEntity();
        String what = switch (en.getEntityCase()) {
            case TABLE_ENTRY -> entities.index().p4Info().getTablesList().stream()
                    .filter(t -> t.getPreamble().getId() == en.getTableEntry().getTableId())
                    .map(t -> t.getPreamble().getName()).findFirst().orElse("table " + en.getTableEntry().getTableId());
            case REGISTER_ENTRY -> entities.index().p4Info().getRegistersList().stream()
                    .filter(r -> r.getPreamble().getId() == en.getRegisterEntry().getRegisterId())
                    .map(r -> r.getPreamble().getName() + "[" + en.getRegisterEntry().getIndex().getIndex() + "]").findFirst()
                    .orElse("register " + en.getRegisterEntry().getRegisterId());
            case PACKET_REPLICATION_ENGINE_ENTRY -> "clone session";
            default -> en.getEntityCase().toString();
        };
        return u.getType() + " " + what;
    }
}
