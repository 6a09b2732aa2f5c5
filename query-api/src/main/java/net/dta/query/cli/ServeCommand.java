package net.dta.query.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.common.config.ConfigException;
import net.dta.deployment.DeploymentLoader;
import net.dta.common.config.HostPort;
import net.dta.query.QueryServer;
import net.dta.query.QueryService;
import net.dta.query.QueryServices;
import net.dta.query.config.QueryConfig;
import net.dta.query.config.QueryConfigLoader;
import net.dta.query.source.CollectorSource;
import net.dta.query.source.StatusSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: the query service daemon. Runs until SIGTERM or Ctrl-C, then closes the servers
 * and the mappings and exits 0. {@code --ready-file} receives {@code pid}, {@code grpc} and
 * {@code http} (the bound addresses) once it serves.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the query service: gRPC and HTTP/JSON APIs, /metrics and the dashboard.",
                "Give --config query.yaml, or --deployment FILE, or --data-dir DIR (flags override the file)."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The configuration (docs/query.md).")
    Path config;

    @Option(names = "--deployment", paramLabel = "FILE", description = "Serve the collectors of this deployment file.")
    Path deployment;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "Serve one collector's data directory.")
    Path dataDir;

    @Option(names = "--collector-name", paramLabel = "NAME", description = "With --data-dir: the collector's name (default: the directory's).")
    String collectorName;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "With --data-dir: the collector's admin endpoint.")
    String admin;

    @Option(names = "--grpc", paramLabel = "HOST:PORT", description = "gRPC address (default 127.0.0.1:" + QueryConfig.DEFAULT_GRPC_PORT + ").")
    String grpc;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "HTTP address (default 127.0.0.1:" + QueryConfig.DEFAULT_HTTP_PORT + ").")
    String http;

    @Option(names = "--ready-file", paramLabel = "FILE", description = "Write pid, grpc and http addresses here once serving.")
    Path readyFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        QueryConfig c;
        try {
            c = config();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCode.SOFTWARE;
        } catch (IllegalArgumentException e) {
            err.println("query serve: " + e.getMessage());
            return ExitCode.USAGE;
        }
        QueryServer server;
        try {
            server = QueryServer.start(service(c), new QueryServer.Options(c.grpc(), c.http(), c.dashboard(), null,
                    c.dashboardRefresh(), c.grpcSecurity(), c.httpSecurity()));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCode.SOFTWARE;
        } catch (IOException | IllegalArgumentException e) {
            err.println("query serve: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // The logger is looked up here, not in a static field: picocli creates every subcommand of
        // "query" on each call, and a query command must not pay for logging's start-up.
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        Thread hook = new Thread(() -> {
            log.info("query service stopping");
            server.close();
            stopped.countDown();
            out.println("stopped cleanly");
            out.flush();
            err.flush();
            // A stop asked for (SIGTERM, Ctrl-C) that completed cleanly is a success: exit 0, not 128 + signal.
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "dta-query-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("query service \"" + c.name() + "\" serving " + describe(c));
        if (server.grpcAddress() != null) {
            out.println("  gRPC       " + QueryServer.hostPort(server.grpcAddress()) + "  (dta.query.v1.QueryService)");
        }
        if (server.httpAddress() != null) {
            String base = "http://" + QueryServer.hostPort(server.httpAddress());
            out.println("  HTTP       " + base + "/api/v1/stores  (docs/query.md)");
            out.println("  metrics    " + base + "/metrics");
            if (c.dashboard()) {
                out.println("  dashboard  " + base + "/dashboard/");
            }
        }
        for (CollectorSource s : server.service().sources().values()) {
            out.println("  collector  " + s.name() + ": " + s.describe());
        }
        out.flush();
        if (readyFile != null) {
            Files.writeString(readyFile, "pid=" + ProcessHandle.current().pid() + "\ngrpc="
                    + (server.grpcAddress() == null ? "" : QueryServer.hostPort(server.grpcAddress())) + "\nhttp="
                    + (server.httpAddress() == null ? "" : QueryServer.hostPort(server.httpAddress())) + "\n");
        }
        out.println("running; stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    private QueryConfig config() throws ConfigException {
        int sources = (config != null ? 1 : 0) + (deployment != null ? 1 : 0) + (dataDir != null ? 1 : 0);
        if (sources == 0) {
            throw new IllegalArgumentException("give --config FILE, --deployment FILE or --data-dir DIR");
        }
        if (deployment != null && dataDir != null) {
            throw new IllegalArgumentException("give --deployment or --data-dir, not both");
        }
        if ((collectorName != null || admin != null) && dataDir == null) {
            throw new IllegalArgumentException("--collector-name and --admin go with --data-dir");
        }
        if (admin != null && HostPort.parse(admin) == null) {
            throw new IllegalArgumentException("--admin must be host:port, got \"" + admin + "\"");
        }
        QueryConfig base = config != null ? QueryConfigLoader.load(config) : new QueryConfig(null, "query",
                new InetSocketAddress("127.0.0.1", QueryConfig.DEFAULT_GRPC_PORT), new InetSocketAddress("127.0.0.1", QueryConfig.DEFAULT_HTTP_PORT),
                true, null, null, "", null, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
        Path dep = deployment != null ? deployment.toAbsolutePath() : dataDir != null ? null : base.deployment();
        Path dir = dataDir != null ? dataDir.toAbsolutePath() : deployment != null ? null : base.dataDir();
        String name = collectorName != null ? collectorName : dataDir != null ? QueryServices.collectorNameOf(dataDir) : base.collector();
        return new QueryConfig(base.source(), base.name(), grpc != null ? address("--grpc", grpc) : base.grpc(),
                http != null ? address("--http", http) : base.http(), base.dashboard(), dep, dir, name,
                admin != null ? admin : dataDir != null ? null : base.admin(), base.adminSecurity(), base.statusRefresh(), base.dashboardRefresh(),
                base.forwardDeadline(), base.grpcSecurity(), base.httpSecurity());
    }

    private static InetSocketAddress address(String option, String text) {
        HostPort hp = HostPort.parse(text);
        if (hp == null) {
            throw new IllegalArgumentException(option + " must be host:port, got \"" + text + "\"");
        }
        return new InetSocketAddress(hp.host(), hp.port());
    }

    static QueryService service(QueryConfig c) throws IOException, ConfigException {
        if (c.deployment() != null) {
            return QueryServices.forDeployment(DeploymentLoader.load(c.deployment()), List.of(), c.statusRefresh(), c.forwardDeadline());
        }
        return QueryServices.forDataDir(c.collector(), c.dataDir(), c.admin() == null ? StatusSource.none() : StatusSource.admin(c.admin(), c.adminSecurity()),
                c.statusRefresh());
    }

    static String describe(QueryConfig c) {
        return c.deployment() != null ? "deployment " + c.deployment()
                : "data directory " + c.dataDir() + " (collector " + c.collector() + (c.admin() == null ? "" : ", admin " + c.admin()) + ")";
    }
}
