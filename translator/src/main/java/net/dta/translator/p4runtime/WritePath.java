package net.dta.translator.p4runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import net.dta.translator.pipeline.Key;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.RegisterWrite;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Row;
import net.dta.translator.pipeline.Schema;
import net.dta.translator.pipeline.Settings;
import net.dta.translator.pipeline.Tables;
import p4.config.v1.P4InfoOuterClass;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketReplicationEngineEntry;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Update;
import p4.v1.P4RuntimeOuterClass.WriteRequest;

/**
 * The Write RPC's batches (translator-control.md 4): each update is checked and applied to working
 * copies of the tables, the register writes and the packet replication entries; the batch then
 * takes effect at once (between two batches of packets) or, under ROLLBACK_ON_ERROR with an error,
 * not at all. Owns the replication entries (kept for Read only). Called under the service's lock.
 */
final class WritePath {
    private final Schema schema;
    private final Pipeline pipeline;
    private final EntityCodec codec;
    private Map<Long, Entity> replication = Map.of();

    WritePath(Schema schema, Pipeline pipeline, EntityCodec codec) {
        this.schema = schema;
        this.pipeline = pipeline;
        this.codec = codec;
    }

    /** The clone sessions and multicast groups written so far. */
    Map<Long, Entity> replication() {
        return replication;
    }

    /** A new pipeline: forget the replication entries (the pipeline resets its own state). */
    void reset() {
        replication = Map.of();
    }

    /** The Write error of a batch with failed updates: UNKNOWN with one P4Runtime Error per update, in order. */
    static StatusRuntimeException failure(List<P4Error> errors) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(Status.Code.UNKNOWN.value())
                .setMessage(summary(errors));
        for (P4Error e : errors) {
            p4.v1.P4RuntimeOuterClass.Error.Builder detail = p4.v1.P4RuntimeOuterClass.Error.newBuilder().setCanonicalCode(e == null ? 0 : e.code().value());
            if (e != null) {
                detail.setMessage(e.getMessage());
            }
            status.addDetails(Any.pack(detail.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    private static String summary(List<P4Error> errors) {
        int n = 0;
        String first = null;
        for (int i = 0; i < errors.size(); i++) {
            P4Error e = errors.get(i);
            if (e != null && e.code() != Status.Code.ABORTED) {
                n++;
                if (first == null) {
                    first = "update " + i + ": " + e.code() + ": " + e.getMessage();
                }
            }
        }
        return n + " of " + errors.size() + " updates failed; " + first;
    }

    /** Applies a batch; returns one error (or null) per update. */
    List<P4Error> apply(WriteRequest request) throws P4Error {
        if (request.getAtomicity() == WriteRequest.Atomicity.DATAPLANE_ATOMIC) {
            throw new P4Error(Status.Code.UNIMPLEMENTED, "DATAPLANE_ATOMIC is not supported: use CONTINUE_ON_ERROR or "
                    + "ROLLBACK_ON_ERROR (each Write takes effect between two batches of packets anyway)");
        }
        Tables.Builder tables = pipeline.tables().toBuilder();
        boolean tablesChanged = false;
        List<RegisterWrite> registers = new ArrayList<>();
        Map<Long, Entity> pre = new HashMap<>(replication);
        List<P4Error> errors = new ArrayList<>();
        for (Update u : request.getUpdatesList()) {
            try {
                tablesChanged |= apply(u, tables, registers, pre);
                errors.add(null);
            } catch (P4Error e) {
                errors.add(e);
            }
        }
        boolean anyError = errors.stream().anyMatch(e -> e != null);
        if (anyError && request.getAtomicity() == WriteRequest.Atomicity.ROLLBACK_ON_ERROR) {
            for (int i = 0; i < errors.size(); i++) {
                if (errors.get(i) == null) {
                    errors.set(i, new P4Error(Status.Code.ABORTED, "not applied: another update of this ROLLBACK_ON_ERROR batch failed"));
                }
            }
            return errors;
        }
        pipeline.commit(tablesChanged ? tables.build() : null, registers);
        replication = Map.copyOf(pre);
        return errors;
    }

    /** Applies one update to the working copies; returns whether the tables changed. */
    private boolean apply(Update u, Tables.Builder tables, List<RegisterWrite> registers, Map<Long, Entity> pre) throws P4Error {
        Update.Type type = u.getType();
        if (type != Update.Type.INSERT && type != Update.Type.MODIFY && type != Update.Type.DELETE) {
            throw P4Error.invalid("the update type must be INSERT, MODIFY or DELETE, got " + type);
        }
        Entity entity = u.getEntity();
        switch (entity.getEntityCase()) {
            case TABLE_ENTRY -> {
                tableUpdate(type, entity.getTableEntry(), tables);
                return true;
            }
            case REGISTER_ENTRY -> {
                registerUpdate(type, entity.getRegisterEntry(), registers);
                return false;
            }
            case COUNTER_ENTRY -> throw new P4Error(Status.Code.UNIMPLEMENTED,
                    "the translator's counters are read-only: read them and take differences");
            case PACKET_REPLICATION_ENGINE_ENTRY -> {
                replicationUpdate(type, entity, pre);
                return false;
            }
            case ENTITY_NOT_SET -> throw P4Error.invalid("the update has no entity");
            default -> throw new P4Error(Status.Code.UNIMPLEMENTED, "the translator pipeline has no " + entity.getEntityCase()
                    + " (it has tables, registers, counters and accepts clone sessions)");
        }
    }

    private void tableUpdate(Update.Type type, TableEntry e, Tables.Builder tables) throws P4Error {
        P4InfoOuterClass.Table t = codec.table(e.getTableId());
        String name = t.getPreamble().getName();
        if (e.getIsDefaultAction()) {
            if (type != Update.Type.MODIFY) {
                throw P4Error.invalid(name + ": a default entry is only ever modified, not " + type);
            }
            if (e.getTableId() != schema.tSettings) {
                throw new P4Error(Status.Code.PERMISSION_DENIED, name + ": the default action is constant "
                        + "(const_default_action_id); only Ingress.dta_settings has a default entry to set");
            }
            Settings s = codec.settings(e);
            tables.settings(s, e.hasAction() ? codec.defaultEntry(t, s) : null);
            return;
        }
        if (type == Update.Type.DELETE) {
            Key key = codec.key(t, e);
            if (tables.get(t.getPreamble().getId(), key) == null) {
                throw new P4Error(Status.Code.NOT_FOUND, name + ": no entry with this key to delete");
            }
            tables.remove(t.getPreamble().getId(), key);
            return;
        }
        Row row = codec.row(e);
        Row existing = tables.get(row.tableId(), row.key());
        if (type == Update.Type.INSERT) {
            if (existing != null) {
                throw new P4Error(Status.Code.ALREADY_EXISTS, name + ": an entry with this key exists (MODIFY it)");
            }
            if (tables.size(row.tableId()) >= t.getSize()) {
                throw new P4Error(Status.Code.RESOURCE_EXHAUSTED, name + " is full (" + t.getSize() + " entries)");
            }
        } else if (existing == null) {
            throw new P4Error(Status.Code.NOT_FOUND, name + ": no entry with this key to modify (INSERT it)");
        }
        tables.put(row);
    }

    private void registerUpdate(Update.Type type, RegisterEntry e, List<RegisterWrite> out) throws P4Error {
        int register = codec.register(e.getRegisterId());
        String name = schema.index.register(registerName(register)).getPreamble().getName();
        if (type != Update.Type.MODIFY) {
            throw P4Error.invalid(name + ": registers are written with MODIFY, not " + type);
        }
        if (!e.hasData() || e.getData().getDataCase() != P4Data.DataCase.BITSTRING) {
            throw P4Error.invalid(name + ": the data must be a bitstring");
        }
        Registers regs = pipeline.registers();
        int width = regs.width(register);
        long value = EntityCodec.value(e.getData().getBitstring(), width, name + " value");
        int size = regs.size(register);
        if (e.hasIndex()) {
            long index = e.getIndex().getIndex();
            if (index < 0 || index >= size) {
                throw new P4Error(Status.Code.OUT_OF_RANGE, name + ": index " + index + " is outside 0.." + (size - 1));
            }
            out.add(new RegisterWrite(register, (int) index, (int) value));
        } else {
            for (int i = 0; i < size; i++) {
                out.add(new RegisterWrite(register, i, (int) value));
            }
        }
    }

    /** The P4 name of a register of the pipeline. */
    static String registerName(int register) {
        return switch (register) {
            case Registers.NEXT_PSN -> net.dta.p4.TranslatorP4Names.REG_NEXT_PSN;
            case Registers.LAST_ACKED_PSN -> net.dta.p4.TranslatorP4Names.REG_LAST_ACKED_PSN;
            case Registers.QP_UP -> net.dta.p4.TranslatorP4Names.REG_QP_UP;
            case Registers.LOST_PACKETS -> net.dta.p4.TranslatorP4Names.REG_LOST_PACKETS;
            default -> net.dta.p4.TranslatorP4Names.REG_APPEND_TAIL;
        };
    }

    /** Clone sessions and multicast groups are accepted, kept for Read, and otherwise ignored (translator-control.md 5). */
    private static void replicationUpdate(Update.Type type, Entity entity, Map<Long, Entity> pre) throws P4Error {
        PacketReplicationEngineEntry p = entity.getPacketReplicationEngineEntry();
        long key;
        switch (p.getTypeCase()) {
            case CLONE_SESSION_ENTRY -> key = p.getCloneSessionEntry().getSessionId();
            case MULTICAST_GROUP_ENTRY -> key = (1L << 32) | p.getMulticastGroupEntry().getMulticastGroupId();
            default -> throw P4Error.invalid("a packet replication entry needs a clone session or a multicast group");
        }
        String what = key >>> 32 == 0 ? "clone session " + key : "multicast group " + (key & 0xFFFF_FFFFL);
        List<p4.v1.P4RuntimeOuterClass.Replica> replicas = p.hasCloneSessionEntry() ? p.getCloneSessionEntry().getReplicasList()
                : p.getMulticastGroupEntry().getReplicasList();
        if (type != Update.Type.DELETE && replicas.stream().anyMatch(r -> r.getEgressPort() == 0)) {
            // As PI (BMv2's P4Runtime server) answers: egress port 0 is the proto default, "no port".
            throw P4Error.invalid(what + ": missing port in a replica (egress port 0)");
        }
        boolean exists = pre.containsKey(key);
        switch (type) {
            case INSERT -> {
                if (exists) {
                    throw new P4Error(Status.Code.ALREADY_EXISTS, what + " exists (MODIFY it)");
                }
                pre.put(key, entity);
            }
            case MODIFY -> {
                if (!exists) {
                    throw new P4Error(Status.Code.NOT_FOUND, what + " does not exist (INSERT it)");
                }
                pre.put(key, entity);
            }
            default -> {
                if (!exists) {
                    throw new P4Error(Status.Code.NOT_FOUND, what + " does not exist");
                }
                pre.remove(key);
            }
        }
    }
}
