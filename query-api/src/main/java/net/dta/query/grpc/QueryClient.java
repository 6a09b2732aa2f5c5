package net.dta.query.grpc;

import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.MetadataUtils;

import net.dta.common.security.ClientSecurity;
import net.dta.common.security.GrpcSecurity;
import net.dta.query.Queries;
import net.dta.query.QueryException;
import net.dta.query.QueryException.Reason;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;
import net.dta.query.v1.AppendFollowRequest;
import net.dta.query.v1.AppendFollowResponse;
import net.dta.query.v1.AppendReadRequest;
import net.dta.query.v1.CounterEstimateRequest;
import net.dta.query.v1.FlowPathRequest;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.ListStoresRequest;
import net.dta.query.v1.QueryServiceGrpc;
import net.dta.query.v1.StatusRequest;

/**
 * A client of the query service's gRPC API returning the same answers as the service's own
 * operations; a failed call is a {@link QueryException} with the server's reason (trailer
 * {@code dta-error-reason}) or {@code collector_unavailable} when the service cannot be reached.
 * Used by the CLI and by a query service forwarding to another host's. Every call has a deadline.
 */
public final class QueryClient implements Queries, AutoCloseable {
    /** The trailer that carries {@link QueryException.Reason#code()}. */
    public static final Metadata.Key<String> REASON = Metadata.Key.of("dta-error-reason", Metadata.ASCII_STRING_MARSHALLER);

    private final String target;
    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final long deadlineMillis;
    private final EventLoopGroup ownLoop;

    public QueryClient(String target, ManagedChannel channel, boolean ownsChannel, long deadlineMillis) {
        this(target, channel, ownsChannel, deadlineMillis, null);
    }

    private QueryClient(String target, ManagedChannel channel, boolean ownsChannel, long deadlineMillis, EventLoopGroup ownLoop) {
        this.target = target;
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.deadlineMillis = deadlineMillis;
        this.ownLoop = ownLoop;
    }

    /** A plaintext channel to {@code host:port}. */
    public static QueryClient connect(String hostPort, long deadlineMillis) {
        return new QueryClient(hostPort, NettyChannelBuilder.forTarget(hostPort).usePlaintext().build(), true, deadlineMillis);
    }

    /** A channel to {@code host:port}: plain, or TLS/mTLS and a bearer token as {@code security} says (docs/security.md). */
    public static QueryClient connect(String hostPort, long deadlineMillis, ClientSecurity security) throws IOException {
        return new QueryClient(hostPort, GrpcSecurity.configure(NettyChannelBuilder.forTarget(hostPort), security).build(), true,
                deadlineMillis);
    }

    /**
     * A client for a process that makes its calls and exits (the CLI): its channel runs on an event
     * loop of its own, which {@link #close} stops at once. The JVM's exit waits up to 300 ms for any
     * thread still in native code, and gRPC's shared event loop sits in epoll_wait for a second after
     * the last channel closed: a third of a query command's time (docs/performance.md, "CLI start-up").
     */
    public static QueryClient forCommandLine(String hostPort, long deadlineMillis, ClientSecurity security) throws IOException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ManagedChannel channel = GrpcSecurity.configure(NettyChannelBuilder.forTarget(hostPort), security)
                .eventLoopGroup(loop).channelType(NioSocketChannel.class).build();
        return new QueryClient(hostPort, channel, true, deadlineMillis, loop);
    }

    /** A channel for forwarding queries: every call says it was forwarded (header {@code dta-forwarded-by}). */
    public static QueryClient forwarding(String hostPort, long deadlineMillis, String forwarder, ClientSecurity security)
            throws IOException {
        Metadata headers = new Metadata();
        headers.put(GrpcQueryService.FORWARDED_BY, forwarder);
        return new QueryClient(hostPort, GrpcSecurity.configure(NettyChannelBuilder.forTarget(hostPort), security)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build(), true, deadlineMillis);
    }

    public String target() {
        return target;
    }

    private QueryServiceGrpc.QueryServiceBlockingStub stub() {
        return QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Answers.KeyWrite keyWrite(String store, String key, int redundancy, String collector) {
        try {
            return ProtoMapping.fromProto(stub().keyWriteGet(KeyWriteGetRequest.newBuilder().setStore(store).setKey(key)
                    .setRedundancy(redundancy).setCollector(collector).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Answers.KeyWriteMany keyWriteMany(String store, java.util.List<String> keys, int redundancy, String collector) {
        try {
            return ProtoMapping.fromProto(store, stub().keyWriteGetMany(net.dta.query.v1.KeyWriteGetManyRequest.newBuilder()
                    .setStore(store).addAllKeys(keys).setRedundancy(redundancy).setCollector(collector).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Answers.Counter counter(String store, String key, String collector) {
        try {
            return ProtoMapping.fromProto(stub().counterEstimate(CounterEstimateRequest.newBuilder().setStore(store).setKey(key)
                    .setCollector(collector).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Answers.Path path(String store, String key, String collector) {
        try {
            return ProtoMapping.fromProto(stub().flowPath(FlowPathRequest.newBuilder().setStore(store).setKey(key)
                    .setCollector(collector).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** @param from null: the oldest entry still in the ring */
    @Override
    public Answers.Append appendRead(String store, int list, Long from, int max, String collector) {
        AppendReadRequest.Builder b = AppendReadRequest.newBuilder().setStore(store).setList(list).setMax(max).setCollector(collector);
        if (from != null) {
            b.setFromPosition(from);
        }
        try {
            return ProtoMapping.fromProto(stub().appendRead(b.build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Answers.Append appendTail(String store, int list, String collector) {
        try {
            return ProtoMapping.fromProto(stub().appendRead(AppendReadRequest.newBuilder().setStore(store).setList(list).setFromTail(true)
                    .setCollector(collector).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** Receives follow messages until it returns false or the stream ends. */
    @FunctionalInterface
    public interface FollowHandler {
        boolean accept(Answers.Append step);
    }

    /**
     * Follows a list (no deadline: it runs until the handler returns false, the thread is
     * interrupted, or the server ends the stream).
     *
     * @param from null: from the tail (only new entries)
     */
    public void follow(String store, int list, Long from, int maxPerMessage, int pollMillis, String collector, FollowHandler handler) {
        AppendFollowRequest.Builder b = AppendFollowRequest.newBuilder().setStore(store).setList(list).setMaxPerMessage(maxPerMessage)
                .setPollIntervalMillis(pollMillis).setCollector(collector);
        if (from != null) {
            b.setFromPosition(from);
        }
        try (Context.CancellableContext ctx = Context.current().withCancellation()) {
            ctx.run(() -> {
                Iterator<AppendFollowResponse> it = QueryServiceGrpc.newBlockingStub(channel).appendFollow(b.build());
                long position = from == null ? -1 : from;
                while (it.hasNext()) {
                    AppendFollowResponse m = it.next();
                    if (!handler.accept(ProtoMapping.fromProto(m, position))) {
                        break;
                    }
                    position = m.getNextPosition();
                }
            });
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Answers.Stores stores() {
        try {
            return ProtoMapping.fromProto(stub().listStores(ListStoresRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public StatusReport status(String collector, boolean refresh) {
        try {
            return ProtoMapping.fromProto(stub().status(StatusRequest.newBuilder().setCollector(collector).setRefresh(refresh).build()));
        } catch (StatusRuntimeException e) {
            throw failure(e);
        }
    }

    private QueryException failure(StatusRuntimeException e) {
        Status s = e.getStatus();
        Metadata trailers = e.getTrailers();
        String reason = trailers == null ? null : trailers.get(REASON);
        if (reason != null) {
            return new QueryException(Reason.ofCode(reason), s.getDescription(), e);
        }
        return switch (s.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new QueryException(Reason.COLLECTOR_UNAVAILABLE, "the query service at " + target
                    + " did not answer (" + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()) + ")", e);
            case NOT_FOUND -> new QueryException(Reason.UNKNOWN_STORE, s.getDescription(), e);
            case INVALID_ARGUMENT -> new QueryException(Reason.BAD_ARGUMENT, s.getDescription(), e);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new QueryException(Reason.COLLECTOR_UNAVAILABLE, "the query service at " + target
                    + " refused the credentials (" + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription())
                    + "): give --token-file, or --tls-certificate/--tls-private-key, as its grpc section requires (docs/security.md)", e);
            default -> new QueryException(Reason.INTERNAL, "the query service at " + target + " failed: " + s, e);
        };
    }

    @Override
    public void close() {
        if (ownsChannel) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownLoop != null) {
            ownLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
