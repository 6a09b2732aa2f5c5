package net.dta.translator.p4runtime;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.dta.translator.dataplane.PacketInSink;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Schema;
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.*;

/**
 * The translator's {@code p4.v1.P4Runtime} service (translator-control.md): pipeline configuration
 * checked against the shipped P4Info, Write and Read of tables, registers, counters and packet
 * replication entries, arbitration on the StreamChannel, PacketOut to the data plane and PacketIn
 * from it. Everything a request gets wrong is answered with the status code of the P4Runtime
 * specification and a message naming the problem; nothing a client sends can stop the service.
 * This class holds the pipeline configuration and the checks every RPC shares; each client's
 * stream is a {@link StreamSession}, PacketIns go out through the {@link PacketInPump}, and Write
 * and Read are the {@link WritePath} and the {@link ReadPath}.
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

    private final long deviceId;
    private final Schema schema;
    private final Pipeline pipeline;
    private final PacketOutHandler packetOuts;
    private final Arbitration arbitration;
    private final WritePath writes;
    private final ReadPath reads;
    private final PacketInPump packetIns;
    private final Object writeLock = new Object();
    /** Names what stopped (the data-plane thread), or null: then every RPC but Capabilities is UNAVAILABLE. */
    private volatile java.util.function.Supplier<String> stopped = () -> null;

    // Pipeline configuration (guarded by writeLock).
    private ForwardingPipelineConfig committed;
    private ForwardingPipelineConfig saved;

    public P4RuntimeService(long deviceId, Pipeline pipeline, PacketOutHandler packetOuts) {
        this.deviceId = deviceId;
        this.schema = pipeline.schema();
        this.pipeline = pipeline;
        this.packetOuts = packetOuts;
        EntityCodec codec = new EntityCodec(schema, pipeline.registers().size(Registers.APPEND_TAIL));
        this.arbitration = new Arbitration(deviceId);
        this.writes = new WritePath(schema, pipeline, codec);
        this.reads = new ReadPath(schema, pipeline, codec);
        this.packetIns = new PacketInPump(arbitration, schema.mIngressPort, schema.mReason);
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
    // PacketIn (data plane -> primary controller) and the StreamChannel
    // =====================================================================================

    @Override
    public boolean packetIn(int reason, byte[] frame, int ingressPort) {
        return packetIns.packetIn(reason, frame, ingressPort);
    }

    @Override
    public StreamObserver<StreamMessageRequest> streamChannel(StreamObserver<StreamMessageResponse> responses) {
        return new StreamSession(deviceId, schema.mEgressPort, arbitration, packetOuts, this::pipelineSet, responses);
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
            writes.reset();
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
                errors = writes.apply(request);
            }
            boolean failed = errors.stream().anyMatch(e -> e != null);
            if (!failed) {
                response.onNext(WriteResponse.getDefaultInstance());
                response.onCompleted();
                return;
            }
            response.onError(WritePath.failure(errors));
        } catch (P4Error e) {
            response.onError(e.status().asRuntimeException());
        } catch (RuntimeException e) {
            LOG.error("Write failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
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
            Map<Long, Entity> pre;
            synchronized (writeLock) {
                requirePipeline();
                pre = writes.replication();
            }
            List<Entity> out = reads.read(request.getEntitiesList(), pre);
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
        packetIns.close();
    }
}
