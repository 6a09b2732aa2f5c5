package net.dta.translator.p4runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.rpc.Code;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import p4.v1.P4RuntimeOuterClass.MasterArbitrationUpdate;
import p4.v1.P4RuntimeOuterClass.StreamMessageResponse;

/**
 * Client arbitration of P4Runtime (specification 5): every StreamChannel that sent a
 * MasterArbitrationUpdate is a client with an election id; the one with the highest id is primary
 * and the only one allowed to write, set the pipeline and send PacketOuts. Every change of primary
 * is announced to all clients (OK to the primary, ALREADY_EXISTS "not primary" to the others).
 * Also the one writer of the stream observers (gRPC's are not thread-safe).
 */
final class Arbitration {
    private static final Logger LOG = LoggerFactory.getLogger(Arbitration.class);

    /** StreamChannel clients at most (the specification's RESOURCE_EXHAUSTED beyond). */
    static final int MAX_CLIENTS = 16;
    static final String TOO_MANY = "too many P4Runtime clients (" + MAX_CLIENTS + ")";

    private final long deviceId;
    private final Map<StreamObserver<StreamMessageResponse>, ElectionId> clients = new LinkedHashMap<>();
    private ElectionId primary;

    Arbitration(long deviceId) {
        this.deviceId = deviceId;
    }

    /** Adds or updates a client; returns an error message when another client holds the same id. */
    synchronized String update(StreamObserver<StreamMessageResponse> client, ElectionId id) {
        dropCancelled();
        for (Map.Entry<StreamObserver<StreamMessageResponse>, ElectionId> e : clients.entrySet()) {
            if (e.getKey() != client && e.getValue().equals(id)) {
                return "election id " + id + " is already used by another client; each client needs its own";
            }
        }
        if (!clients.containsKey(client) && clients.size() >= MAX_CLIENTS) {
            return TOO_MANY;
        }
        clients.put(client, id);
        ElectionId before = primary;
        primary = highest();
        if (before == null || !before.equals(primary)) {
            LOG.info("P4Runtime primary controller: election id {} ({} client(s))", primary, clients.size());
            announceAll();
        } else {
            announce(client);
        }
        return null;
    }

    synchronized void remove(StreamObserver<StreamMessageResponse> client) {
        if (clients.remove(client) == null) {
            return;
        }
        ElectionId before = primary;
        primary = highest();
        if (before != null && !before.equals(primary)) {
            LOG.info("P4Runtime primary controller left; now {}", primary == null ? "none" : "election id " + primary);
            announceAll();
        }
    }

    synchronized boolean knows(StreamObserver<StreamMessageResponse> client) {
        return clients.containsKey(client);
    }

    synchronized boolean isPrimary(ElectionId id) {
        return id != null && id.equals(primary);
    }

    synchronized boolean isPrimary(StreamObserver<StreamMessageResponse> client) {
        ElectionId id = clients.get(client);
        return id != null && id.equals(primary);
    }

    synchronized ElectionId primary() {
        return primary;
    }

    synchronized int clients() {
        return clients.size();
    }

    /** Sends to the primary client; false when there is none. */
    synchronized boolean sendToPrimary(StreamMessageResponse message) {
        for (Map.Entry<StreamObserver<StreamMessageResponse>, ElectionId> e : clients.entrySet()) {
            if (e.getValue().equals(primary)) {
                return send(e.getKey(), message);
            }
        }
        return false;
    }

    /** Sends one message to one client (serialised with every other send). */
    synchronized boolean send(StreamObserver<StreamMessageResponse> client, StreamMessageResponse message) {
        try {
            client.onNext(message);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("a P4Runtime stream is gone: {}", e.toString());
            return false;
        }
    }

    /**
     * Forgets clients whose stream gRPC already cancelled (a peer gone without a clean close, a
     * failure inside a send): their election id must not keep refusing a reconnecting controller.
     */
    private void dropCancelled() {
        boolean dropped = clients.keySet().removeIf(c -> c instanceof ServerCallStreamObserver<?> s && s.isCancelled());
        if (dropped) {
            primary = highest();
        }
    }

    private ElectionId highest() {
        ElectionId best = null;
        for (ElectionId id : clients.values()) {
            if (best == null || id.compareTo(best) > 0) {
                best = id;
            }
        }
        return best;
    }

    private void announceAll() {
        for (StreamObserver<StreamMessageResponse> c : new ArrayList<>(clients.keySet())) {
            announce(c);
        }
    }

    private void announce(StreamObserver<StreamMessageResponse> client) {
        boolean isPrimary = clients.get(client).equals(primary);
        com.google.rpc.Status status = isPrimary
                ? com.google.rpc.Status.newBuilder().setCode(Code.OK_VALUE).setMessage("primary").build()
                : com.google.rpc.Status.newBuilder().setCode(Code.ALREADY_EXISTS_VALUE)
                        .setMessage("not primary: election id " + primary + " is higher").build();
        send(client, StreamMessageResponse.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder()
                .setDeviceId(deviceId).setElectionId(primary.toProto()).setStatus(status)).build());
    }

    List<ElectionId> electionIds() {
        synchronized (this) {
            return new ArrayList<>(clients.values());
        }
    }
}
