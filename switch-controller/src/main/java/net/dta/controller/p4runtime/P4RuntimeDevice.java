package net.dta.controller.p4runtime;

import java.io.IOException;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import net.dta.common.security.ClientSecurity;
import net.dta.common.security.GrpcSecurity;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import net.dta.deployment.SwitchEndpoint;
import net.dta.p4.P4InfoIndex;
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.Uint128;

/**
 * One P4Runtime switch, split by capability behind one facade: {@link #pipeline()},
 * {@link #writer()}, {@link #reader()} and the single {@link #stream()} owner. Owns the gRPC
 * channel (gRPC re-establishes the TCP connection by itself; RPCs fail fast with UNAVAILABLE while
 * the switch is away, and callers retry with their own back-off). Every unary RPC has a deadline.
 */
public final class P4RuntimeDevice implements AutoCloseable {
    private final String description;
    private final ManagedChannel channel;
    private final P4Entities entities;
    private final StreamClient stream;
    private final PipelineClient pipeline;
    private final WriteClient writer;
    private final ReadClient reader;

    /**
     * @param role "translator" or "reporter", for messages
     */
    public P4RuntimeDevice(String role, SwitchEndpoint endpoint, P4InfoIndex index, Duration deadline) {
        this.description = role + " " + endpoint.name() + " (" + endpoint.p4runtime() + ", device " + endpoint.deviceId() + ")";
        this.channel = channel(endpoint);
        this.entities = new P4Entities(index);
        Uint128 election = Uint128.newBuilder().setHigh(0).setLow(endpoint.electionId()).build();
        P4RuntimeGrpc.P4RuntimeBlockingStub blocking = P4RuntimeGrpc.newBlockingStub(channel);
        this.stream = new StreamClient(description, P4RuntimeGrpc.newStub(channel), endpoint.deviceId(), election);
        this.pipeline = new PipelineClient(description, blocking, endpoint.deviceId(), election, deadline);
        this.writer = new WriteClient(description, blocking, endpoint.deviceId(), election, deadline, entities);
        this.reader = new ReadClient(description, blocking, endpoint.deviceId(), deadline);
    }

    /** Plain TCP, or TLS (with a client certificate and/or a bearer token) as the deployment says (docs/security.md). */
    private static ManagedChannel channel(SwitchEndpoint endpoint) {
        ClientSecurity security = endpoint.security();
        try {
            return GrpcSecurity.configure(NettyChannelBuilder.forAddress(endpoint.p4runtime().host(), endpoint.p4runtime().port())
                    .maxInboundMessageSize(64 << 20), security).build();
        } catch (IOException e) {
            throw new IllegalArgumentException(endpoint.name() + ": p4runtime-security: " + e.getMessage(), e);
        }
    }

    /** "translator tor-1 (127.0.0.1:9559, device 1)". */
    public String description() {
        return description;
    }

    public P4Entities entities() {
        return entities;
    }

    public StreamClient stream() {
        return stream;
    }

    public PipelineClient pipeline() {
        return pipeline;
    }

    public WriteClient writer() {
        return writer;
    }

    public ReadClient reader() {
        return reader;
    }

    /**
     * Forgets gRPC's own back-off between connection attempts and waits (at most {@code timeout})
     * until the connection is made: a stream opened while gRPC waits out its back-off would fail
     * fast with UNAVAILABLE even though the switch is back.
     */
    public boolean connectNow(java.time.Duration timeout) throws InterruptedException {
        channel.resetConnectBackoff();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (channel.getState(true) != io.grpc.ConnectivityState.READY) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        stream.close();
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
