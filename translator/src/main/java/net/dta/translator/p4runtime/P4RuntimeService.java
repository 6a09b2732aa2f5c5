package net.dta.translator.p4runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import net.dta.translator.dataplane.PacketInSink;
import net.dta.translator.pipeline.Counters;
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
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.*;

/**
 * The translator's {@code p4.v1.P4Runtime} service (translator-control.md): pipeline configuration
 * checked against the shipped P4Info, Write and Read of tables, registers, counters and packet
 * replication entries, arbitration on the StreamChannel, PacketOut to the data plane and PacketIn
 * from it. Everything a request gets wrong is answered with the status code of the P4Runtime
 * specification and a message naming the problem; nothing a client sends can stop the service.
 */
public final class P4RuntimeService extends P4RuntimeGrpc.P4RuntimeImplBase implements PacketInSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(P4RuntimeService.class);
    /** The P4Runtime API level of the ONOS 2.7 classes this server is built with. */
    public static final String API_VERSION = "1.3.0";
    private static final int READ_CHUNK = 1000;
    /**
     * Updates per Write at most (RESOURCE_EXHAUSTED beyond): the largest table has 2^20 entries,
     * the controller writes 1024 per request; 300,000 in one request exhausted the heap (issue 13).
     */
    public static final int MAX_UPDATES_PER_WRITE = 10_000;
    private static final int PACKET_IN_QUEUE = 4096;

    private final long deviceId;
    private final Schema schema;
    private final Pipeline pipeline;
    private final PacketOutHandler packetOuts;
    private final EntityCodec codec;
    private final Arbitration arbitration;
    private final Object writeLock = new Object();
    private final BlockingQueue<PacketIn> packetIns = new ArrayBlockingQueue<>(PACKET_IN_QUEUE);
    private final Thread packetInPump;
    private volatile boolean open = true;
    /** Names what stopped (the data-plane thread), or null: then every RPC but Capabilities is UNAVAILABLE. */
    private volatile java.util.function.Supplier<String> stopped = () -> null;

    // Pipeline configuration (guarded by writeLock).
    private ForwardingPipelineConfig committed;
    private ForwardingPipelineConfig saved;
    private Map<Long, Entity> replication = Map.of();

    public P4RuntimeService(long deviceId, Pipeline pipeline, PacketOutHandler packetOuts) {
        this.deviceId = deviceId;
        this.schema = pipeline.schema();
        this.pipeline = pipeline;
        this.packetOuts = packetOuts;
        this.codec = new EntityCodec(schema, pipeline.registers().size(Registers.APPEND_TAIL));
        this.arbitration = new Arbitration(deviceId);
        this.packetInPump = new Thread(this::pumpPacketIns, "dta-p4rt-packet-in");
        this.packetInPump.setDaemon(true);
        this.packetInPump.start();
    }

    public long deviceId() {
        return deviceId;
    }

    /** What the service checks before each RPC: null while the data plane runs, else what stopped it. */
    public void healthCheck(java.util.function.Supplier<String> whatStopped) {
        this.stopped = whatStopped;
    }

    private void checkRunning() throws P4Error {
        String why = stopped.get();
        if (why != null) {
            throw new P4Error(Status.Code.UNAVAILABLE, "the translator's data plane stopped (" + why + "): nothing is "
                    + "forwarded; restart the translator");
        }
    }

    /** Whether a pipeline was committed (Write and Read need one). */
    public boolean pipelineSet() {
        synchronized (writeLock) {
            return committed != null;
        }
    }

    public long cookie() {
        synchronized (writeLock) {
            return committed == null ? 0 : committed.getCookie().getCookie();
        }
    }

    /** Connected StreamChannel clients. */
    public int clients() {
        return arbitration.clients();
    }

    /** The primary's election id as text, or null. */
    public String primary() {
        ElectionId p = arbitration.primary();
        return p == null ? null : p.toString();
    }

    // =====================================================================================
    // PacketIn (data plane -> primary controller)
    // =====================================================================================

    @Override
    public boolean packetIn(int reason, byte[] frame, int ingressPort) {
        if (arbitration.primary() == null) {
            return false;
        }
        PacketIn p = PacketIn.newBuilder().setPayload(ByteString.copyFrom(frame))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(schema.mIngressPort).setValue(Values.encode(ingressPort)))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(schema.mReason).setValue(Values.encode(reason)))
                .build();
        return packetIns.offer(p);
    }

    private void pumpPacketIns() {
        while (open) {
            try {
                PacketIn p = packetIns.poll(100, TimeUnit.MILLISECONDS);
                if (p != null) {
                    arbitration.sendToPrimary(StreamMessageResponse.newBuilder().setPacket(p).build());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // =====================================================================================
    // StreamChannel: arbitration, PacketOut
    // =====================================================================================

    @Override
    public StreamObserver<StreamMessageRequest> streamChannel(StreamObserver<StreamMessageResponse> responses) {
        return new StreamObserver<>() {
            private boolean closed;

            @Override
            public void onNext(StreamMessageRequest request) {
                if (closed) {
                    return;
                }
                switch (request.getUpdateCase()) {
                    case ARBITRATION -> arbitrate(request.getArbitration());
                    case PACKET -> packetOut(request.getPacket());
                    default -> streamError(Status.Code.UNIMPLEMENTED, "the translator handles arbitration and PacketOut "
                            + "on the stream, not " + request.getUpdateCase(), null);
                }
            }

            private void arbitrate(MasterArbitrationUpdate update) {
                if (update.getDeviceId() != deviceId) {
                    fail(Status.NOT_FOUND.withDescription("device id " + update.getDeviceId() + " is not served here: this "
                            + "translator is device " + deviceId));
                    return;
                }
                if (update.hasRole() && update.getRole().getId() != 0) {
                    fail(Status.UNIMPLEMENTED.withDescription("only the default role is supported, got role id "
                            + update.getRole().getId()));
                    return;
                }
                if (!update.hasElectionId()) {
                    fail(Status.INVALID_ARGUMENT.withDescription("an arbitration update needs an election id"));
                    return;
                }
                String error;
                try {
                    error = arbitration.update(responses, ElectionId.of(update.getElectionId()));
                } catch (RuntimeException | java.lang.Error e) {
                    // Never leave this client's election id behind (it would refuse the controller's reconnection).
                    arbitration.remove(responses);
                    throw e;
                }
                if (Arbitration.TOO_MANY.equals(error)) {
                    fail(Status.RESOURCE_EXHAUSTED.withDescription(error));
                } else if (error != null) {
                    fail(Status.INVALID_ARGUMENT.withDescription(error));
                }
            }

            private void packetOut(PacketOut p) {
                if (!arbitration.knows(responses)) {
                    streamError(Status.Code.FAILED_PRECONDITION, "send a MasterArbitrationUpdate before PacketOuts", p);
                    return;
                }
                if (!arbitration.isPrimary(responses)) {
                    streamError(Status.Code.PERMISSION_DENIED, "not primary: only the primary controller sends PacketOuts", p);
                    return;
                }
                if (!pipelineSet()) {
                    streamError(Status.Code.FAILED_PRECONDITION, "no forwarding pipeline is set", p);
                    return;
                }
                int port = -1;
                for (PacketMetadata m : p.getMetadataList()) {
                    if (m.getMetadataId() != schema.mEgressPort) {
                        streamError(Status.Code.INVALID_ARGUMENT, "packet_out has no metadata field with id " + m.getMetadataId()
                                + " (egress_port is " + schema.mEgressPort + ")", p);
                        return;
                    }
                    try {
                        port = (int) Values.decode(m.getValue(), 16, "packet_out egress_port");
                    } catch (P4Error e) {
                        streamError(e.code(), e.getMessage(), p);
                        return;
                    }
                }
                if (port < 0) {
                    streamError(Status.Code.INVALID_ARGUMENT, "packet_out needs its egress_port metadata (0 = route it)", p);
                    return;
                }
                if (!packetOuts.packetOut(p.getPayload().toByteArray(), port)) {
                    streamError(Status.Code.RESOURCE_EXHAUSTED, "the data plane's PacketOut queue is full", p);
                }
            }

            private void streamError(Status.Code code, String message, PacketOut p) {
                StreamError.Builder e = StreamError.newBuilder().setCanonicalCode(code.value()).setMessage(message);
                if (p != null) {
                    e.setPacketOut(PacketOutError.newBuilder().setPacketOut(p));
                }
                arbitration.send(responses, StreamMessageResponse.newBuilder().setError(e).build());
            }

            private void fail(Status status) {
                closed = true;
                arbitration.remove(responses);
                try {
                    responses.onError(status.asRuntimeException());
                } catch (RuntimeException e) {
                    LOG.debug("closing a P4Runtime stream: {}", e.toString());
                }
            }

            @Override
            public void onError(Throwable t) {
                closed = true;
                arbitration.remove(responses);
            }

            @Override
            public void onCompleted() {
                closed = true;
                arbitration.remove(responses);
                try {
                    responses.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("closing a P4Runtime stream: {}", e.toString());
                }
            }
        };
    }

    // =====================================================================================
    // Pipeline configuration
    // =====================================================================================

    @Override
    public void setForwardingPipelineConfig(SetForwardingPipelineConfigRequest request,
                                            StreamObserver<SetForwardingPipelineConfigResponse> response) {
        try {
            checkRunning();
            checkDevice(request.getDeviceId());
            checkRole(request.getRoleId());
            checkPrimary(request.hasElectionId() ? ElectionId.of(request.getElectionId()) : null);
            synchronized (writeLock) {
                switch (request.getAction()) {
                    case VERIFY -> verify(request);
                    case VERIFY_AND_SAVE -> saved = verify(request);
                    case VERIFY_AND_COMMIT -> commit(verify(request), true);
                    case RECONCILE_AND_COMMIT -> commit(verify(request), committed == null);
                    case COMMIT -> {
                        if (saved == null) {
                            throw new P4Error(Status.Code.FAILED_PRECONDITION, "COMMIT needs a configuration saved with VERIFY_AND_SAVE first");
                        }
                        commit(saved, true);
                        saved = null;
                    }
                    default -> throw P4Error.invalid("the action must be VERIFY, VERIFY_AND_SAVE, VERIFY_AND_COMMIT, COMMIT or "
                            + "RECONCILE_AND_COMMIT, got " + request.getAction());
                }
            }
            response.onNext(SetForwardingPipelineConfigResponse.getDefaultInstance());
            response.onCompleted();
        } catch (P4Error e) {
            response.onError(e.status().asRuntimeException());
        } catch (RuntimeException e) {
            LOG.error("SetForwardingPipelineConfig failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
    }

    private ForwardingPipelineConfig verify(SetForwardingPipelineConfigRequest request) throws P4Error {
        if (!request.hasConfig() || !request.getConfig().hasP4Info()) {
            throw P4Error.invalid("the request carries no P4Info: send the translator's P4Info "
                    + "(p4/translator/translator.v1model.p4info.txtpb)");
        }
        String difference = PipelineValidator.firstDifference(schema.p4Info, request.getConfig().getP4Info());
        if (difference != null) {
            throw P4Error.invalid("not the translator's P4Info (p4/translator/translator.v1model.p4info.txtpb): " + difference);
        }
        return request.getConfig();
    }

    private void commit(ForwardingPipelineConfig config, boolean reset) {
        if (reset) {
            pipeline.reset();
            replication = Map.of();
        }
        committed = config;
        LOG.info("forwarding pipeline {} (cookie {})", reset ? "set: tables, registers and counters start empty"
                : "reconciled: state kept", config.getCookie().getCookie());
    }

    @Override
    public void getForwardingPipelineConfig(GetForwardingPipelineConfigRequest request,
                                            StreamObserver<GetForwardingPipelineConfigResponse> response) {
        try {
            checkRunning();
            checkDevice(request.getDeviceId());
            ForwardingPipelineConfig c;
            synchronized (writeLock) {
                c = committed;
            }
            ForwardingPipelineConfig.Builder b = ForwardingPipelineConfig.newBuilder();
            if (c != null) {
                if (c.hasCookie()) {
                    b.setCookie(c.getCookie());
                }
                switch (request.getResponseType()) {
                    case ALL -> b.setP4Info(c.getP4Info()).setP4DeviceConfig(c.getP4DeviceConfig());
                    case P4INFO_AND_COOKIE -> b.setP4Info(c.getP4Info());
                    case DEVICE_CONFIG_AND_COOKIE -> b.setP4DeviceConfig(c.getP4DeviceConfig());
                    default -> {
                        // COOKIE_ONLY
                    }
                }
            }
            response.onNext(GetForwardingPipelineConfigResponse.newBuilder().setConfig(b).build());
            response.onCompleted();
        } catch (P4Error e) {
            response.onError(e.status().asRuntimeException());
        }
    }

    @Override
    public void capabilities(CapabilitiesRequest request, StreamObserver<CapabilitiesResponse> response) {
        response.onNext(CapabilitiesResponse.newBuilder().setP4RuntimeApiVersion(API_VERSION).build());
        response.onCompleted();
    }

    // =====================================================================================
    // Write
    // =====================================================================================

    @Override
    public void write(WriteRequest request, StreamObserver<WriteResponse> response) {
        try {
            checkRunning();
            checkDevice(request.getDeviceId());
            checkRole(request.getRoleId());
            checkPrimary(request.hasElectionId() ? ElectionId.of(request.getElectionId()) : null);
            if (request.getUpdatesCount() > MAX_UPDATES_PER_WRITE) {
                throw new P4Error(Status.Code.RESOURCE_EXHAUSTED, request.getUpdatesCount() + " updates in one Write; at most "
                        + MAX_UPDATES_PER_WRITE + " per request: split the batch");
            }
            List<P4Error> errors;
            synchronized (writeLock) {
                requirePipeline();
                errors = applyBatch(request);
            }
            boolean failed = errors.stream().anyMatch(e -> e != null);
            if (!failed) {
                response.onNext(WriteResponse.getDefaultInstance());
                response.onCompleted();
                return;
            }
            com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(Status.Code.UNKNOWN.value())
                    .setMessage(summary(errors));
            for (P4Error e : errors) {
                p4.v1.P4RuntimeOuterClass.Error.Builder detail = p4.v1.P4RuntimeOuterClass.Error.newBuilder().setCanonicalCode(e == null ? 0 : e.code().value());
                if (e != null) {
                    detail.setMessage(e.getMessage());
                }
                status.addDetails(Any.pack(detail.build()));
            }
            response.onError(StatusProto.toStatusRuntimeException(status.build()));
        } catch (P4Error e) {
            response.onError(e.status().asRuntimeException());
        } catch (RuntimeException e) {
            LOG.error("Write failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
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

    private List<P4Error> applyBatch(WriteRequest request) throws P4Error {
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
        long value = Values.decode(e.getData().getBitstring(), width, name + " value");
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

    private static String registerName(int register) {
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

    // =====================================================================================
    // Read
    // =====================================================================================

    @Override
    public void read(ReadRequest request, StreamObserver<ReadResponse> response) {
        try {
            checkRunning();
            checkDevice(request.getDeviceId());
            List<Entity> out = new ArrayList<>();
            Map<Long, Entity> pre;
            synchronized (writeLock) {
                requirePipeline();
                pre = replication;
            }
            Tables tables = pipeline.tables();
            for (Entity e : request.getEntitiesList()) {
                switch (e.getEntityCase()) {
                    case TABLE_ENTRY -> readTables(e.getTableEntry(), tables, out);
                    case REGISTER_ENTRY -> readRegisters(e.getRegisterEntry(), out);
                    case COUNTER_ENTRY -> readCounters(e.getCounterEntry(), out);
                    case PACKET_REPLICATION_ENGINE_ENTRY -> out.addAll(pre.values());
                    default -> throw new P4Error(Status.Code.UNIMPLEMENTED, "the translator pipeline has no "
                            + e.getEntityCase() + " to read");
                }
            }
            for (int i = 0; i < out.size(); i += READ_CHUNK) {
                response.onNext(ReadResponse.newBuilder().addAllEntities(out.subList(i, Math.min(out.size(), i + READ_CHUNK)))
                        .build());
            }
            response.onCompleted();
        } catch (P4Error e) {
            response.onError(e.status().asRuntimeException());
        } catch (RuntimeException e) {
            LOG.error("Read failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
    }

    private void readTables(TableEntry query, Tables tables, List<Entity> out) throws P4Error {
        if (query.getTableId() == 0) {
            for (P4InfoOuterClass.Table t : codec.allTables()) {
                for (Row r : tables.rows(t.getPreamble().getId())) {
                    out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
                }
            }
            return;
        }
        P4InfoOuterClass.Table t = codec.table(query.getTableId());
        if (query.getIsDefaultAction()) {
            TableEntry d = t.getPreamble().getId() == schema.tSettings && tables.settingsEntry() != null
                    ? tables.settingsEntry() : codec.defaultEntry(t, tables.settings());
            out.add(Entity.newBuilder().setTableEntry(d).build());
            return;
        }
        if (query.getMatchCount() > 0) {
            Row r = tables.row(t.getPreamble().getId(), codec.key(t, query));
            if (r != null) {
                out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
            }
            return;
        }
        for (Row r : tables.rows(t.getPreamble().getId())) {
            out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
        }
    }

    private void readRegisters(RegisterEntry query, List<Entity> out) throws P4Error {
        int[] which = query.getRegisterId() == 0
                ? new int[] {Registers.NEXT_PSN, Registers.LAST_ACKED_PSN, Registers.QP_UP, Registers.LOST_PACKETS, Registers.APPEND_TAIL}
                : new int[] {codec.register(query.getRegisterId())};
        Registers regs = pipeline.registers();
        for (int r : which) {
            int size = regs.size(r);
            int from = 0;
            int to = size;
            if (query.hasIndex()) {
                long i = query.getIndex().getIndex();
                if (i < 0 || i >= size) {
                    throw new P4Error(Status.Code.OUT_OF_RANGE, registerName(r) + ": index " + i + " is outside 0.." + (size - 1));
                }
                from = (int) i;
                to = from + 1;
            }
            for (int i = from; i < to; i++) {
                out.add(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder().setRegisterId(codec.registerId(r))
                        .setIndex(Index.newBuilder().setIndex(i))
                        .setData(P4Data.newBuilder().setBitstring(Values.encode(regs.get(r, i) & 0xFFFF_FFFFL)))).build());
            }
        }
    }

    private void readCounters(CounterEntry query, List<Entity> out) throws P4Error {
        int[] which = query.getCounterId() == 0 ? new int[] {Counters.REPORTS, Counters.DROPS, Counters.QP_SENT, Counters.QP_ACKS,
                Counters.QP_NAKS, Counters.QP_RESYNCS, Counters.QP_PROBES} : new int[] {codec.counter(query.getCounterId())};
        Counters counters = pipeline.counters();
        for (int c : which) {
            int size = counters.size(c);
            int from = 0;
            int to = size;
            if (query.hasIndex()) {
                long i = query.getIndex().getIndex();
                if (i < 0 || i >= size) {
                    throw new P4Error(Status.Code.OUT_OF_RANGE, "counter index " + i + " is outside 0.." + (size - 1));
                }
                from = (int) i;
                to = from + 1;
            }
            for (int i = from; i < to; i++) {
                out.add(Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder().setCounterId(codec.counterId(c))
                        .setIndex(Index.newBuilder().setIndex(i))
                        .setData(CounterData.newBuilder().setPacketCount(counters.packets(c, i)).setByteCount(counters.bytes(c, i))))
                        .build());
            }
        }
    }

    // =====================================================================================
    // Checks shared by the RPCs
    // =====================================================================================

    private void checkDevice(long requested) throws P4Error {
        if (requested != deviceId) {
            throw new P4Error(Status.Code.NOT_FOUND, "device id " + requested + " is not served here: this translator is device "
                    + deviceId + " (translator.device-id)");
        }
    }

    private static void checkRole(long roleId) throws P4Error {
        if (roleId != 0) {
            throw P4Error.invalid("only the default role (0) is supported, got role id " + roleId);
        }
    }

    private void checkPrimary(ElectionId id) throws P4Error {
        if (!arbitration.isPrimary(id)) {
            ElectionId p = arbitration.primary();
            throw new P4Error(Status.Code.PERMISSION_DENIED, "not primary: " + (id == null ? "the request has no election id"
                    : "election id " + id) + (p == null ? "; no client has arbitrated on the StreamChannel"
                    : "; the primary's is " + p));
        }
    }

    private void requirePipeline() throws P4Error {
        if (committed == null) {
            throw new P4Error(Status.Code.FAILED_PRECONDITION, "no forwarding pipeline is set: SetForwardingPipelineConfig "
                    + "with the translator's P4Info first");
        }
    }

    @Override
    public void close() {
        open = false;
        packetInPump.interrupt();
    }
}
