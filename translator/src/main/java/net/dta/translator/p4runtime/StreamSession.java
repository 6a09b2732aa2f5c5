package net.dta.translator.p4runtime;

import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import p4.v1.P4RuntimeOuterClass.MasterArbitrationUpdate;
import p4.v1.P4RuntimeOuterClass.PacketMetadata;
import p4.v1.P4RuntimeOuterClass.PacketOut;
import p4.v1.P4RuntimeOuterClass.PacketOutError;
import p4.v1.P4RuntimeOuterClass.StreamError;
import p4.v1.P4RuntimeOuterClass.StreamMessageRequest;
import p4.v1.P4RuntimeOuterClass.StreamMessageResponse;

/**
 * One client's StreamChannel (translator-control.md 3): its arbitration updates (handed to
 * {@link Arbitration}, which also writes every response) and its PacketOuts to the data plane.
 * A bad arbitration update ends the stream with the specification's status; a bad PacketOut is
 * answered with a StreamError and the stream goes on. gRPC calls one method at a time.
 */
final class StreamSession implements StreamObserver<StreamMessageRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

    private final long deviceId;
    private final int egressPortMetadataId;
    private final Arbitration arbitration;
    private final PacketOutHandler packetOuts;
    private final BooleanSupplier pipelineSet;
    private final StreamObserver<StreamMessageResponse> responses;
    private boolean closed;

    StreamSession(long deviceId, int egressPortMetadataId, Arbitration arbitration, PacketOutHandler packetOuts,
                  BooleanSupplier pipelineSet, StreamObserver<StreamMessageResponse> responses) {
        this.deviceId = deviceId;
        this.egressPortMetadataId = egressPortMetadataId;
        this.arbitration = arbitration;
        this.packetOuts = packetOuts;
        this.pipelineSet = pipelineSet;
        this.responses = responses;
    }

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
        if (!pipelineSet.getAsBoolean()) {
            streamError(Status.Code.FAILED_PRECONDITION, "no forwarding pipeline is set", p);
            return;
        }
        int port = -1;
        for (PacketMetadata m : p.getMetadataList()) {
            if (m.getMetadataId() != egressPortMetadataId) {
                streamError(Status.Code.INVALID_ARGUMENT, "packet_out has no metadata field with id " + m.getMetadataId()
                        + " (egress_port is " + egressPortMetadataId + ")", p);
                return;
            }
            try {
                port = (int) EntityCodec.value(m.getValue(), 16, "packet_out egress_port");
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
}
