package net.dta.controller.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import net.dta.common.config.ConfigFiles;
import net.dta.controller.Controller;
import net.dta.controller.DeploymentWatcher;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.ReporterSpec;
import net.dta.deployment.TranslatorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code controller run --config FILE}: the controller, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the switch controller until SIGTERM or Ctrl-C.",
                "Connects to every translator and reporter over P4Runtime (as primary, reconnecting with back-off),",
                "installs their pipelines and tables, connects each translator to each collector through RDMA CM,",
                "keeps it all up (collector and translator restarts), applies edits of the deployment file, and",
                "serves /status and /metrics. Stopping leaves the switches running as they are."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The deployment file (YAML).")
    Path config;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Once running, write pid and admin address to FILE (for supervisors and scripts).")
    Path readyFile;

    @Option(names = "--no-watch", description = "Do not apply edits of the deployment file while running.")
    boolean noWatch;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Deployment d = ConfigFiles.loadOrReport(config, DeploymentLoader::load, err);
        if (d == null) {
            err.println("nothing was started");
            return ExitCode.SOFTWARE;
        }
        if (d.translators().isEmpty() && d.reporters().isEmpty()) {
            err.println(config + ": no translators and no reporters: nothing to control (add a translators section)");
            return ExitCode.SOFTWARE;
        }
        if (!d.translators().isEmpty() && d.controller().cmSecret() == null) {
            err.println(config + ": controller.cm.secret-file: missing: the collectors accept queue pairs only from a controller "
                    + "holding the deployment's RDMA CM secret (docs/security.md); name the file the collectors' cm.secret-file "
                    + "names, or make one with ./dta cm-secret cm.secret");
            err.println("nothing was started");
            return ExitCode.SOFTWARE;
        }
        Controller controller;
        try {
            controller = Controller.start(d);
        } catch (IOException e) {
            err.println("controller: cannot start: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        DeploymentWatcher watcher = noWatch ? null
                : new DeploymentWatcher(config, controller, Math.max(200, d.controller().pollInterval().toMillis()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (watcher != null) {
                watcher.close();
            }
            controller.close();
            stopped.countDown();
            out.println("stopped cleanly (the switches keep running as programmed)");
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "dta-shutdown"));
        printSummary(out, d, controller.adminAddress());
        if (readyFile != null) {
            InetSocketAddress a = controller.adminAddress();
            String text = "pid=" + ProcessHandle.current().pid() + "\nadmin=" + (a == null ? "" : a.getHostString() + ":" + a.getPort()) + "\n";
            Path temp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        out.println("running; progress is logged; stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    static void printSummary(PrintWriter out, Deployment d, InetSocketAddress admin) {
        out.println("controller for deployment " + d.name() + " (" + d.source() + ")");
        for (TranslatorSpec t : d.translators()) {
            out.println("  translator " + t.name() + "  P4Runtime " + t.device().p4runtime() + " device " + t.device().deviceId()
                    + ", election id " + t.device().electionId() + ", pipeline " + t.pipeline().configName() + ", RoCE "
                    + t.addressText() + ", collectors " + String.join(", ", t.collectors()));
        }
        for (ReporterSpec r : d.reporters()) {
            out.println("  reporter   " + r.name() + "  P4Runtime " + r.device().p4runtime() + ", reports to " + r.translator());
        }
        for (CollectorSpec c : d.collectors()) {
            out.println("  collector  " + c.name() + "  index " + c.index() + ", " + c.addressText() + ", CM port " + c.cmPort()
                    + ", stores " + String.join(", ", d.storesOn(c).stream().map(s -> s.name()).toList()));
        }
        out.println("  admin      " + (admin == null ? "disabled" : "http://" + admin.getHostString() + ":" + admin.getPort()
                + "/status and /metrics"));
    }
}
