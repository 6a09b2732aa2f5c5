package net.dta.query.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import net.dta.common.security.ClientSecurity;
import net.dta.common.security.ServerSecurity;

/**
 * A validated query-service configuration (docs/query.md, "Configuration", documents every field and
 * default). Exactly one of {@code deployment} and {@code dataDir} is set.
 *
 * @param grpc where the gRPC API listens, or null when disabled
 * @param http where the HTTP API, /metrics and the dashboard listen, or null when disabled
 * @param deployment the deployment file (absolute), or null
 * @param dataDir one collector's data directory (absolute), or null
 * @param collector the name of that collector (data-dir only)
 * @param admin its admin endpoint {@code host:port} (data-dir only), or null
 * @param adminSecurity how to reach {@code admin} when it is protected ({@code source.admin-security})
 */
public record QueryConfig(Path source, String name, InetSocketAddress grpc, InetSocketAddress http, boolean dashboard,
                          Path deployment, Path dataDir, String collector, String admin, ClientSecurity adminSecurity,
                          Duration statusRefresh, Duration dashboardRefresh, Duration forwardDeadline, ServerSecurity grpcSecurity,
                          ServerSecurity httpSecurity) {
    public QueryConfig(Path source, String name, InetSocketAddress grpc, InetSocketAddress http, boolean dashboard, Path deployment,
                       Path dataDir, String collector, String admin, Duration statusRefresh, Duration dashboardRefresh,
                       Duration forwardDeadline) {
        this(source, name, grpc, http, dashboard, deployment, dataDir, collector, admin, ClientSecurity.NONE, statusRefresh,
                dashboardRefresh, forwardDeadline, ServerSecurity.NONE, ServerSecurity.NONE);
    }

    public static final int DEFAULT_GRPC_PORT = 40045;
    public static final int DEFAULT_HTTP_PORT = 40046;
}
