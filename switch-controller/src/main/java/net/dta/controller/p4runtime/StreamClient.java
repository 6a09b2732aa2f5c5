package net.dta.controller.p4runtime;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.MasterArbitrationUpdate;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.PacketOut;
import p4.v1.P4RuntimeOuterClass.StreamError;
import p4.v1.P4RuntimeOuterClass.StreamMessageRequest;
import p4.v1.P4RuntimeOuterClass.StreamMessageResponse;
import p4.v1.P4RuntimeOuterClass.Uint128;

/**
 * The one owner of a device's StreamChannel: opens it with a MasterArbitrationUpdate (device id,
 * role 0, election id), reports mastership as the server grants or withdraws it, delivers
 * PacketIns, sends PacketOuts, and tears the stream down. Only one stream is open at a time; the
 * callbacks of a stream that was replaced or closed are dropped.
 *
 * <p>Callbacks run on gRPC threads and must return quickly.
 */
public final class StreamClient {
    /**
     * What the server said in its last arbitration update.
     *
     * @param primary this client is the primary (status OK)
     * @param primaryElectionId the highest election id the server knows (the primary's)
     */
    public record Mastership(boolean primary, long primaryElectionId, Status.Code code, String message) {
    }

    /** Receives what the stream carries. */
    public interface Listener {
        void onMastership(Mastership mastership);

        void onPacketIn(PacketIn packet);

        /** The server reported an error about something sent on the stream (a PacketOut it could not take). */
        void onStreamError(StreamError error);

        /** The stream ended: the server went away or closed it. Not called after {@link #close()}. */
        void onClosed(Status status);
    }

    private final String device;
    private final P4RuntimeGrpc.P4RuntimeStub stub;
    private final long deviceId;
    private final Uint128 electionId;
    private StreamObserver<StreamMessageRequest> requests;
    private long generation;

    StreamClient(String device, P4RuntimeGrpc.P4RuntimeStub stub, long deviceId, Uint128 electionId) {
        this.device = device;
        this.stub = stub;
        this.deviceId = deviceId;
        this.electionId = electionId;
    }

    /** Opens a new stream (closing any previous one) and asks for mastership. */
    public synchronized void open(Listener listener) {
        closeQuietly();
        long mine = ++generation;
        requests = stub.streamChannel(new StreamObserver<>() {
            @Override
            public void onNext(StreamMessageResponse r) {
                if (!current(mine)) {
                    return;
                }
                switch (r.getUpdateCase()) {
                    case ARBITRATION -> {
                        MasterArbitrationUpdate a = r.getArbitration();
                        Status.Code code = Status.fromCodeValue(a.getStatus().getCode()).getCode();
                        listener.onMastership(new Mastership(code == Status.Code.OK, a.getElectionId().getLow(), code,
                                a.getStatus().getMessage()));
                    }
                    case PACKET -> listener.onPacketIn(r.getPacket());
                    case ERROR -> listener.onStreamError(r.getError());
                    default -> {
                        // digests, idle timeouts and other updates are not used by DTA pipelines
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                if (ended(mine)) {
                    listener.onClosed(Status.fromThrowable(t));
                }
            }

            @Override
            public void onCompleted() {
                if (ended(mine)) {
                    listener.onClosed(Status.UNAVAILABLE.withDescription("the switch closed the stream"));
                }
            }
        });
        requests.onNext(StreamMessageRequest.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder()
                .setDeviceId(deviceId).setElectionId(electionId)).build());
    }

    private synchronized boolean current(long g) {
        return g == generation && requests != null;
    }

    /** Marks the stream of generation g ended; true when it was the current one. */
    private synchronized boolean ended(long g) {
        if (g != generation || requests == null) {
            return false;
        }
        requests = null;
        return true;
    }

    public synchronized boolean isOpen() {
        return requests != null;
    }

    public synchronized void send(PacketOut packet) throws P4RuntimeException {
        if (requests == null) {
            throw new P4RuntimeException(device + ": PacketOut: the stream channel is not open", Status.Code.UNAVAILABLE, null);
        }
        try {
            requests.onNext(StreamMessageRequest.newBuilder().setPacket(packet).build());
        } catch (RuntimeException e) {
            throw new P4RuntimeException(device + ": PacketOut: " + e.getMessage(), Status.Code.UNAVAILABLE, e);
        }
    }

    /** Ends the stream (the server then drops this client's mastership). */
    public synchronized void close() {
        generation++;
        closeQuietly();
    }

    private void closeQuietly() {
        if (requests != null) {
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // the call is already gone
            }
            requests = null;
        }
    }
}
