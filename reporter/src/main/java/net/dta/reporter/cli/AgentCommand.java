package net.dta.reporter.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.common.admin.AdminServer;
import net.dta.reporter.agent.AgentConfig;
import net.dta.reporter.agent.ConfigWatch;
import net.dta.reporter.agent.ReporterAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reporter agent --config FILE}: the reporter agent of a software router, until SIGTERM or Ctrl-C. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Reporter agent of a Linux router (run it in the router's network namespace, as root): watches the "
                + "packets the router forwards on an AF_PACKET tap and sends what the P4 reporter program sends per hop: "
                + "postcards (switch id, queue depth), flow bytes (Key-Increment), queue depths (Key-Write), drop and "
                + "congestion events (Append). Queue depths and drops come from the interfaces' qdiscs. docs/reporter.md \"Agent\"."},
        footer = {"", "Example: ./dta reporter agent --config leaf1/agent.yaml   (written by ./dta mininet ... --software)"})
public final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The agent's configuration (YAML or JSON: name, switch-id, address, translator, routes, flows, events, admin).")
    File config;

    @Option(names = "--ready-file", paramLabel = "FILE", description = "Written (admin=host:port) once the agent watches its interfaces.")
    File readyFile;

    @Override
    public Integer call() throws Exception {
        AgentConfig c;
        try {
            c = AgentConfig.load(config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ReporterAgent agent = ReporterAgent.open(c, new ConfigWatch(config));
        AdminServer admin = null;
        if (c.admin() != null) {
            int colon = c.admin().lastIndexOf(':');
            admin = new AdminServer("DTA reporter agent", c.admin().substring(0, colon), Integer.parseInt(c.admin().substring(colon + 1)), "admin");
            admin.status(agent::status)
                    .get("/metrics", AdminServer.PROMETHEUS, "Prometheus metrics", () -> agent.metrics().getBytes(StandardCharsets.UTF_8));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AdminServer adminServer = admin;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.stop();
            try {
                stopped.await(5, TimeUnit.SECONDS);   // the loop ends within its poll time and closes the sockets
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dta-agent-stop"));
        LOG.info("{}", agent.describe());
        if (readyFile != null) {
            Files.writeString(readyFile.toPath(), "admin=" + (c.admin() == null ? "" : c.admin()) + "\n");
        }
        try {
            agent.run();
        } finally {
            agent.close();
            if (adminServer != null) {
                adminServer.close();
            }
            stopped.countDown();
        }
        return 0;
    }
}
