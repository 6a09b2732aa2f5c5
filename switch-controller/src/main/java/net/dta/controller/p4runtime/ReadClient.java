package net.dta.controller.p4runtime;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.ReadRequest;
import p4.v1.P4RuntimeOuterClass.ReadResponse;

/** Reads entities (table entries, counters, registers); the whole response stream within one deadline. */
public final class ReadClient {
    private final String device;
    private final P4RuntimeGrpc.P4RuntimeBlockingStub stub;
    private final long deviceId;
    private final Duration deadline;

    ReadClient(String device, P4RuntimeGrpc.P4RuntimeBlockingStub stub, long deviceId, Duration deadline) {
        this.device = device;
        this.stub = stub;
        this.deviceId = deviceId;
        this.deadline = deadline;
    }

    public List<Entity> read(List<Entity> queries) throws P4RuntimeException {
        ReadRequest request = ReadRequest.newBuilder().setDeviceId(deviceId).addAllEntities(queries).build();
        List<Entity> out = new ArrayList<>();
        try {
            Iterator<ReadResponse> it = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).read(request);
            while (it.hasNext()) {
                out.addAll(it.next().getEntitiesList());
            }
        } catch (StatusRuntimeException e) {
            throw RpcErrors.of(device, "Read", e);
        }
        return out;
    }

    public List<Entity> read(Entity query) throws P4RuntimeException {
        return read(List.of(query));
    }
}
