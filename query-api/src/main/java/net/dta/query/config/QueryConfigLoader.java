package net.dta.query.config;

import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigFiles;
import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.YamlTree;
import net.dta.common.security.ClientSecurity;
import net.dta.common.security.ServerSecurity;
import net.dta.common.config.HostPort;
import net.dta.query.QueryServices;

/**
 * Reads {@code query.yaml}: every problem of the file at once, each with file, line, column and
 * field; unknown fields are errors. Relative paths are relative to the file's directory.
 */
public final class QueryConfigLoader {
    private QueryConfigLoader() {
    }

    public static QueryConfig load(Path file) throws ConfigException {
        return ConfigFiles.load(file, QueryConfigLoader::parse);
    }

    public static QueryConfig parse(String fileName, Reader text, Path baseDir, Path source) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigNode root = new YamlTree(fileName, problems).parse(text);
        if (root == null) {
            throw new ConfigException(problems);
        }
        Fields top = Fields.of(fileName, "", root, problems);

        Fields service = top.section("service");
        String name = Objects.requireNonNullElse(service.name("name", "query"), "query");
        service.rejectUnknown("service");

        Fields grpc = top.section("grpc");
        boolean grpcOn = grpc.bool("enabled", true);
        InetSocketAddress grpcAddress = address(grpc, "address", "127.0.0.1:" + QueryConfig.DEFAULT_GRPC_PORT);
        ServerSecurity grpcSecurity = ServerSecurity.read(grpc, baseDir);
        grpc.rejectUnknown("grpc");

        Fields http = top.section("http");
        boolean httpOn = http.bool("enabled", true);
        InetSocketAddress httpAddress = address(http, "address", "127.0.0.1:" + QueryConfig.DEFAULT_HTTP_PORT);
        boolean dashboard = http.bool("dashboard", true);
        Duration dashboardRefresh = http.duration("dashboard-refresh", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1));
        ServerSecurity httpSecurity = ServerSecurity.read(http, baseDir);
        http.rejectUnknown("http");
        if (!grpcOn && !httpOn) {
            grpc.problem("enabled", "gRPC and HTTP are both disabled: the service would answer nobody");
        }

        Fields src = top.section("source");
        Path deployment = path(src, "deployment", baseDir);
        Path dataDir = path(src, "data-dir", baseDir);
        String collector = src.string("collector", null == dataDir ? "" : QueryServices.collectorNameOf(dataDir), "a collector name");
        HostPort adminAt = src.parsed("admin", null, false, "host:port", HostPort::parse);
        String admin = adminAt == null ? null : adminAt.toString();
        if (deployment == null && dataDir == null) {
            src.problem("deployment", "give source.deployment (a deployment file: route by its bucket maps) or source.data-dir "
                    + "(one collector's data directory)");
        } else if (deployment != null && dataDir != null) {
            src.problem("data-dir", "give source.deployment or source.data-dir, not both");
        }
        if (deployment != null && (src.has("collector") || src.has("admin") || src.has("admin-security"))) {
            String field = src.has("collector") ? "collector" : src.has("admin") ? "admin" : "admin-security";
            src.problem(field, "only with source.data-dir: a deployment names its collectors "
                    + "and their admin endpoints itself (collectors[].admin, collectors[].admin-security)");
        }
        Fields adminSecurityFields = src.section("admin-security");
        ClientSecurity adminSecurity = ClientSecurity.read(adminSecurityFields, baseDir);
        adminSecurityFields.rejectUnknown("source.admin-security");
        src.rejectUnknown("source");

        Fields status = top.section("status");
        Duration refresh = status.duration("refresh", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(10));
        status.rejectUnknown("status");
        Fields forwarding = top.section("forwarding");
        Duration deadline = forwarding.duration("deadline", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(5));
        forwarding.rejectUnknown("forwarding");
        top.rejectUnknown("");

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new QueryConfig(source, name, grpcOn ? grpcAddress : null, httpOn ? httpAddress : null, dashboard, deployment, dataDir,
                collector, admin, adminSecurity, refresh, dashboardRefresh, deadline, grpcSecurity, httpSecurity);
    }

    private static InetSocketAddress address(Fields f, String key, String defaultValue) {
        return f.hostPort(key, defaultValue).socketAddress();
    }

    private static Path path(Fields f, String key, Path baseDir) {
        if (!f.has(key)) {
            return null;
        }
        String text = f.string(key, null, "a path");
        Path p = Path.of(text);
        return (p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p)).normalize();
    }
}
