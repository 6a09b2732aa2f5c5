package net.dta.query.grpc;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

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

    public QueryClient(String target, ManagedChannel channel, boolean ownsChannel, long deadlineMillis) {
        this.target = target;
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.deadlineMillis = deadlineMillis;
    }

    /** A plaintext channel to {@code host:port}. */
    public static QueryClient connect(String hostPort, long deadlineMillis) {
        return new QueryClient(hostPort, NettyChannelBuilder.forTarget(hostPort).usePlaintext().build(), true, deadlineMillis);
    }

    /** A channel for forwarding queries: every call says it was forwarded (header {@code dta-forwarded-by}). */
    public static QueryClient forwarding(String hostPort, long deadlineMillis, String forwarder) {
        Metadata headers = new Metadata();
        headers.put(GrpcQueryService.FORWARDED_BY, forwarder);
        return new QueryClient(hostPort, NettyChannelBuilder.forTarget(hostPort).usePlaintext()
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
    }
}
