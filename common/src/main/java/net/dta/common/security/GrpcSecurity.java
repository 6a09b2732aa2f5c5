package net.dta.common.security;

import java.io.IOException;

import javax.net.ssl.SSLException;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;

/**
 * {@link ServerSecurity} and {@link ClientSecurity} for gRPC over Netty (every gRPC server and
 * channel of the project). TLS runs on the JDK's provider with {@link PemFiles}' key and trust
 * managers: one loader and one TLS implementation for the gRPC and the HTTP servers (control-plane
 * traffic: the provider's speed does not matter here).
 */
public final class GrpcSecurity {
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcSecurity() {
    }

    /** TLS (and client certificates) on a server builder; nothing for plain TCP. */
    public static NettyServerBuilder configure(NettyServerBuilder b, ServerSecurity s) throws IOException {
        if (!s.tls()) {
            return b;
        }
        SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(
                PemFiles.keyManagerFactory(s.certificate(), s.privateKey())), SslProvider.JDK);
        if (s.clientCa() != null) {
            // With a token as the alternative the certificate is asked for, not required; admission decides.
            ssl.trustManager(PemFiles.trustManagerFactory(s.clientCa()))
                    .clientAuth(s.tokenFile() == null ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        try {
            return b.sslContext(ssl.build());
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS with " + s.certificate() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Admits only authenticated clients (a certificate with an allowed name, or the token):
     * others get UNAUTHENTICATED (no credentials) or PERMISSION_DENIED (a certificate not allowed).
     */
    public static ServerInterceptor admission(ServerSecurity s) throws IOException {
        String token = s.token();
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String why = s.admit(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION), headers.get(AUTHORIZATION), token);
                if (why != null) {
                    Status status = why.contains("not among") ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED;
                    call.close(status.withDescription(why), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Plain TCP, or TLS with the client certificate, and the bearer token on every call. */
    public static NettyChannelBuilder configure(NettyChannelBuilder b, ClientSecurity c) throws IOException {
        if (!c.tls()) {
            b.usePlaintext();
        } else {
            SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                    .trustManager(PemFiles.trustManagerFactory(c.ca()));
            if (c.certificate() != null) {
                ssl.keyManager(PemFiles.keyManagerFactory(c.certificate(), c.privateKey()));
            }
            try {
                b.sslContext(ssl.build());
            } catch (SSLException e) {
                throw new IOException("cannot set up TLS with " + c.ca() + ": " + e.getMessage(), e);
            }
        }
        String authorization = c.authorization();
        if (authorization != null) {
            b.intercept(new ClientInterceptor() {
                @Override
                public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                        @Override
                        public void start(Listener<A> listener, Metadata headers) {
                            headers.put(AUTHORIZATION, authorization);
                            super.start(listener, headers);
                        }
                    };
                }
            });
        }
        return b;
    }
}
