package net.dta.query.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import net.dta.common.config.ConfigException;
import net.dta.deployment.DeploymentLoader;
import net.dta.query.Queries;
import net.dta.query.QueryServices;
import net.dta.query.config.QueryConfig;
import net.dta.query.grpc.QueryClient;
import net.dta.query.source.StatusSource;
import net.dta.common.admin.ClientSecurityOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a query command asks: a running query service over gRPC ({@code --server}, the default), or
 * the stores themselves, read in this process ({@code --data-dir}, {@code --deployment}).
 */
public final class Target {
    static final class Choice {
        @Option(names = "--server", paramLabel = "HOST:PORT",
                description = "The query service's gRPC address (default 127.0.0.1:" + QueryConfig.DEFAULT_GRPC_PORT + ").")
        String server;

        @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "Read one collector's data directory directly.")
        Path dataDir;

        @Option(names = "--deployment", paramLabel = "FILE",
                description = "Read the collectors of a deployment file directly, routed by its bucket maps.")
        Path deployment;
    }

    @ArgGroup(exclusive = true)
    Choice choice;

    @Option(names = "--collector-name", paramLabel = "NAME",
            description = "With --data-dir: the collector's name (default: the directory's name).")
    String collectorName;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "With --data-dir: the collector's admin endpoint, for ingest counters and queue pairs in status.")
    String admin;

    @Mixin
    ClientSecurityOptions security = new ClientSecurityOptions();

    @Option(names = "--json", description = "Print the answer as JSON (the HTTP API's JSON) instead of a table.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Deadline of a gRPC call (default ${DEFAULT-VALUE} s).")
    long timeoutSeconds = 10;

    /** The fast path (QuickRun): the options of a call to a query service; false for any other. */
    boolean option(String name, String value) {
        switch (name) {
            case "--server" -> {
                choice = new Choice();
                choice.server = value;
            }
            case "--json" -> json = true;
            case "--timeout" -> timeoutSeconds = QuickRun.plainInt(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** An open target; closing it closes the channel or the mapped stores. */
    record Open(Queries queries, AutoCloseable resource) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resource.close();
        }
    }

    Open open() throws IOException, ConfigException {
        Choice c = choice == null ? new Choice() : choice;
        if ((collectorName != null || admin != null) && c.dataDir == null) {
            throw new IllegalArgumentException("--collector-name and --admin go with --data-dir");
        }
        if (c.dataDir != null) {
            var s = QueryServices.forDataDir(collectorName == null ? QueryServices.collectorNameOf(c.dataDir) : collectorName, c.dataDir,
                    admin == null ? StatusSource.none() : StatusSource.admin(admin, security.security()), Duration.ofHours(1));
            return new Open(s, s);
        }
        if (c.deployment != null) {
            var s = QueryServices.forDeployment(DeploymentLoader.load(c.deployment), List.of(), Duration.ofHours(1),
                    Duration.ofSeconds(timeoutSeconds));
            return new Open(s, s);
        }
        QueryClient client = QueryClient.forCommandLine(c.server == null ? "127.0.0.1:" + QueryConfig.DEFAULT_GRPC_PORT : c.server,
                timeoutSeconds * 1000, security.security());
        return new Open(client, client);
    }

    /** The gRPC client when the target is a server, else null. */
    static QueryClient client(Open open) {
        return open.queries() instanceof QueryClient c ? c : null;
    }
}
