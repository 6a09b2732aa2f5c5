package net.dta.query.grpc;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import net.dta.query.QueryException;
import net.dta.query.QueryService;
import net.dta.query.model.Answers;
import net.dta.query.source.RemoteCollector;
import net.dta.query.v1.AppendFollowRequest;
import net.dta.query.v1.AppendFollowResponse;
import net.dta.query.v1.AppendReadRequest;
import net.dta.query.v1.AppendReadResponse;
import net.dta.query.v1.CounterEstimateRequest;
import net.dta.query.v1.CounterEstimateResponse;
import net.dta.query.v1.FlowPathRequest;
import net.dta.query.v1.FlowPathResponse;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.KeyWriteGetResponse;
import net.dta.query.v1.ListStoresRequest;
import net.dta.query.v1.ListStoresResponse;
import net.dta.query.v1.QueryServiceGrpc;
import net.dta.query.v1.StatusRequest;
import net.dta.query.v1.StatusResponse;

/**
 * {@code dta.query.v1.QueryService} over gRPC: each RPC calls the {@link QueryService} operation of
 * the same name; a {@link QueryException} becomes the status code of its reason with the message as
 * description and the reason code in the {@code dta-error-reason} trailer.
 *
 * <p>{@code AppendFollow} runs one virtual thread per stream that polls the ring and sends what is
 * new; it waits while the client is not ready (flow control), so a slow client never makes the
 * server buffer without bound (the writer laps it instead, and the stream reports the overrun).
 */
public final class GrpcQueryService extends QueryServiceGrpc.QueryServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcQueryService.class);
    static final String TRANSPORT = "grpc";
    public static final int DEFAULT_FOLLOW_MAX = 1000;
    public static final int DEFAULT_POLL_MILLIS = 50;

    /** Set by a query service forwarding a query to the service next to a collector. */
    public static final Metadata.Key<String> FORWARDED_BY = Metadata.Key.of("dta-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> FORWARDER = Context.key("dta-forwarded-by");

    private final QueryService service;

    public GrpcQueryService(QueryService service) {
        this.service = service;
    }

    /** The service with the interceptor that notes forwarded queries (so that they are never forwarded again). */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String by = headers.get(FORWARDED_BY);
                return by == null ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(FORWARDER, by), call, headers, next);
            }
        });
    }

    /**
     * A forwarded query must be answered here: if its collector is remote to this service too, the
     * two services would forward it to each other.
     */
    private void notForwardedAgain(String collector) {
        String by = FORWARDER.get();
        if (by != null && !collector.isEmpty() && service.sources().get(collector) instanceof RemoteCollector r) {
            throw new QueryException(QueryException.Reason.COLLECTOR_UNAVAILABLE, "collector " + collector + " is not read locally by "
                    + "this query service either (it forwards to " + r.describe() + "), so the query forwarded by " + by
                    + " is not forwarded again: give the query service next to the collector its data-dir");
        }
    }

    @Override
    public void keyWriteGet(KeyWriteGetRequest r, StreamObserver<KeyWriteGetResponse> out) {
        unary(out, "kw-get", r.getCollector(), () -> ProtoMapping.toProto(service.keyWrite(r.getStore(), r.getKey(), r.getRedundancy(), r.getCollector())));
    }

    @Override
    public void keyWriteGetMany(net.dta.query.v1.KeyWriteGetManyRequest r, StreamObserver<net.dta.query.v1.KeyWriteGetManyResponse> out) {
        unary(out, "kw-get-many", r.getCollector(), () -> ProtoMapping.toProto(service.keyWriteMany(r.getStore(), r.getKeysList(),
                r.getRedundancy(), r.getCollector())));
    }

    @Override
    public void counterEstimate(CounterEstimateRequest r, StreamObserver<CounterEstimateResponse> out) {
        unary(out, "counter", r.getCollector(), () -> ProtoMapping.toProto(service.counter(r.getStore(), r.getKey(), r.getCollector())));
    }

    @Override
    public void flowPath(FlowPathRequest r, StreamObserver<FlowPathResponse> out) {
        unary(out, "path", r.getCollector(), () -> ProtoMapping.toProto(service.path(r.getStore(), r.getKey(), r.getCollector())));
    }

    @Override
    public void appendRead(AppendReadRequest r, StreamObserver<AppendReadResponse> out) {
        unary(out, "append", r.getCollector(), () -> {
            if (r.getFromTail()) {
                return ProtoMapping.toProto(service.appendTail(r.getStore(), r.getList(), r.getCollector()));
            }
            return ProtoMapping.toProto(service.appendRead(r.getStore(), r.getList(), r.hasFromPosition() ? r.getFromPosition() : null,
                    r.getMax(), r.getCollector()));
        });
    }

    @Override
    public void listStores(ListStoresRequest r, StreamObserver<ListStoresResponse> out) {
        unary(out, "stores", "", () -> ProtoMapping.toProto(service.stores()));
    }

    @Override
    public void status(StatusRequest r, StreamObserver<StatusResponse> out) {
        unary(out, "status", r.getCollector(), () -> ProtoMapping.toProto(service.status(r.getCollector(), r.getRefresh())));
    }

    @Override
    public void appendFollow(AppendFollowRequest r, StreamObserver<AppendFollowResponse> out) {
        ServerCallStreamObserver<AppendFollowResponse> call = (ServerCallStreamObserver<AppendFollowResponse>) out;
        int max;
        long poll;
        long start;
        try {
            notForwardedAgain(r.getCollector());
            max = QueryService.appendMax(r.getMaxPerMessage(), DEFAULT_FOLLOW_MAX, "max_per_message");
            poll = pollMillis(r.getPollIntervalMillis());
            start = service.metrics().record("follow", TRANSPORT, () -> r.hasFromPosition()
                    ? service.appendRead(r.getStore(), r.getList(), r.getFromPosition(), 1, r.getCollector()).fromPosition()
                    : service.appendTail(r.getStore(), r.getList(), r.getCollector()).nextPosition());
        } catch (QueryException e) {
            out.onError(status(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("append follow failed to start: {}", e.toString(), e);
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        Thread.ofVirtual().name("dta-follow-" + r.getStore() + "-" + r.getList()).start(() -> {
            long position = start;
            try {
                while (!call.isCancelled()) {
                    if (!call.isReady()) {
                        Thread.sleep(poll);
                        continue;
                    }
                    Answers.Append a = service.appendRead(r.getStore(), r.getList(), position, max, r.getCollector());
                    if (!a.entries().isEmpty() || a.overrun() > 0) {
                        call.onNext(ProtoMapping.toFollowProto(a));
                        position = a.nextPosition();
                        if (a.entries().size() == max) {
                            continue;
                        }
                    }
                    Thread.sleep(poll);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.onError(Status.CANCELLED.withDescription("the query service is stopping").asRuntimeException());
            } catch (QueryException e) {
                if (!call.isCancelled()) {
                    call.onError(status(e));
                }
            } catch (RuntimeException e) {
                if (!call.isCancelled()) {
                    LOG.error("append follow of {} list {} failed: {}", r.getStore(), r.getList(), e.toString(), e);
                    call.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
                }
            }
        });
    }

    /** 10..10000 ms, 0 = the default. */
    public static long pollMillis(int requested) {
        if (requested == 0) {
            return DEFAULT_POLL_MILLIS;
        }
        if (requested < 10 || requested > 10_000) {
            throw new QueryException(QueryException.Reason.BAD_ARGUMENT, "poll_interval_millis must be 10..10000 (0 = "
                    + DEFAULT_POLL_MILLIS + "), got " + requested);
        }
        return requested;
    }

    private <T> void unary(StreamObserver<T> out, String operation, String collector, Supplier<T> call) {
        T result;
        try {
            result = service.metrics().record(operation, TRANSPORT, () -> {
                notForwardedAgain(collector);
                return call.get();
            });
        } catch (QueryException e) {
            out.onError(status(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", operation, e.toString(), e);
            out.onError(Status.INTERNAL.withDescription(operation + " failed: " + e).asRuntimeException());
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    /** The status of a failed query: its reason's code, the message, the reason in a trailer. */
    public static StatusRuntimeException status(QueryException e) {
        Metadata trailers = new Metadata();
        trailers.put(QueryClient.REASON, e.reason().code());
        return Status.fromCode(e.reason().grpcCode()).withDescription(e.getMessage()).asRuntimeException(trailers);
    }
}
