package net.dta.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.query.grpc.QueryClient;
import net.dta.query.route.DeploymentPlacement;
import net.dta.query.route.SingleCollectorPlacement;
import net.dta.query.source.CollectorSource;
import net.dta.query.source.LocalCollector;
import net.dta.query.source.RemoteCollector;
import net.dta.query.source.StatusSource;

/**
 * Ready-made query services: over a deployment (its collectors read in this process, from their
 * data directories, or through their hosts' query services) or over one data directory. This is the
 * embedding API: the demo builds its service with {@link #forDeployment}, handing over the
 * collectors it runs in-process, and puts it on the network with {@link QueryServer#start}.
 */
public final class QueryServices {
    private QueryServices() {
    }

    /**
     * One source per collector of the deployment, in this order of preference: a source given in
     * {@code inProcess} (by collector name), the collector's {@code data-dir} when it exists on this
     * host (status from its {@code admin} endpoint when given), its {@code query} endpoint, its
     * {@code data-dir} when it does not exist yet (read once the collector has created it).
     *
     * @throws IllegalArgumentException naming a collector that none of these can reach
     */
    public static QueryService forDeployment(Deployment deployment, List<CollectorSource> inProcess, Duration statusRefresh,
                                             Duration remoteDeadline) throws IOException {
        Map<String, CollectorSource> given = new LinkedHashMap<>();
        for (CollectorSource s : inProcess) {
            given.put(s.name(), s);
        }
        List<CollectorSource> sources = new ArrayList<>();
        try {
            for (CollectorSpec c : deployment.collectors()) {
                CollectorSource s = given.remove(c.name());
                if (s == null) {
                    s = sourceOf(c, remoteDeadline, deployment.name());
                }
                sources.add(s);
            }
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("in-process collector(s) " + String.join(", ", given.keySet())
                        + " are not in the deployment (its collectors: "
                        + String.join(", ", deployment.collectors().stream().map(CollectorSpec::name).toList()) + ")");
            }
            QueryService.Builder b = QueryService.builder().placement(new DeploymentPlacement(deployment)).statusRefresh(statusRefresh);
            sources.forEach(b::source);
            return b.build();
        } catch (IOException | RuntimeException e) {
            sources.forEach(CollectorSource::close);
            throw e;
        }
    }

    private static CollectorSource sourceOf(CollectorSpec c, Duration remoteDeadline, String deploymentName) throws IOException {
        StatusSource status = c.admin() == null ? StatusSource.none() : StatusSource.admin(c.admin().toString(), c.adminSecurity());
        if (c.dataDir() != null && (Files.isDirectory(c.dataDir()) || c.query() == null)) {
            return LocalCollector.dataDir(c.name(), c.dataDir(), status);
        }
        if (c.query() != null) {
            return new RemoteCollector(c.name(), QueryClient.forwarding(c.query().toString(), remoteDeadline.toMillis(),
                    "query service of deployment " + deploymentName, c.querySecurity()));
        }
        throw new IllegalArgumentException("collector " + c.name() + " cannot be read from here: it has no data-dir (collectors[].data-dir "
                + "in the deployment file, for a collector on this host) and no query endpoint (collectors[].query: the query service "
                + "next to it)");
    }

    /**
     * One collector's data directory, mapped read-only; every store file in it is served.
     *
     * @param collector the collector's name (shown in answers and status; forwarded queries name it)
     */
    public static QueryService forDataDir(String collector, Path dataDir, StatusSource status, Duration statusRefresh)
            throws IOException {
        LocalCollector source = LocalCollector.dataDir(collector, dataDir, status);
        try {
            return QueryService.builder()
                    .placement(new SingleCollectorPlacement(collector, source.definitions(), "data directory " + dataDir))
                    .source(source).statusRefresh(statusRefresh).build();
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** A collector of this JVM ({@code Collector.stores()}, {@code Collector::status}) on its own. */
    public static QueryService forCollector(LocalCollector collector, Duration statusRefresh) {
        return QueryService.builder()
                .placement(new SingleCollectorPlacement(collector.name(), collector.definitions(), "collector " + collector.name()))
                .source(collector).statusRefresh(statusRefresh).build();
    }

    /** The default name of a data directory's collector: the directory's own name (collectors default to data/NAME). */
    public static String collectorNameOf(Path dataDir) {
        Path name = dataDir.toAbsolutePath().normalize().getFileName();
        return name == null ? "collector" : name.toString();
    }
}
