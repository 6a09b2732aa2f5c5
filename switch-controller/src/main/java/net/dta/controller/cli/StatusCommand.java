package net.dta.controller.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import net.dta.common.admin.StatusOptions;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import net.dta.controller.status.ControllerStatus;
import net.dta.controller.status.ReporterStatus;
import net.dta.common.status.StatusJson;
import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code controller status}: asks a running controller, shows translators, queue pairs, stores, reporters. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running controller's status: per translator its session, per queue pair what is connected, "
                + "PSN resyncs, lost packets, NAKs and errors, per store whether it is programmed; reporters. "
                + "Asks the controller's admin endpoint (controller.admin.address of the deployment file).",
        footer = {"", "Default admin address: 127.0.0.1:" + ControllerSettings.DEFAULT_ADMIN_PORT + " (controller.admin.address)."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    StatusOptions options;

    @Override
    public Integer call() {
        return options.query("127.0.0.1:" + ControllerSettings.DEFAULT_ADMIN_PORT, StatusCommand::adminAddress,
                body -> StatusJson.read(body, ControllerStatus.class), StatusCommand::print);
    }

    /** The controller's admin endpoint of a deployment file; null (reported) when it cannot be read or disables it. */
    private static String adminAddress(Path config, PrintWriter err) {
        Deployment d = ConfigFiles.loadOrReport(config, DeploymentLoader::load, err);
        if (d == null) {
            return null;
        }
        if (d.controller().admin() == null) {
            err.println(config + ": controller.admin.enabled is false: the controller has no status endpoint");
            return null;
        }
        return d.controller().admin().toString();
    }

    static void print(PrintWriter out, ControllerStatus s) {
        out.println("controller for deployment " + s.deployment() + ", up " + Duration.ofMillis(s.uptimeMillis()).toSeconds() + " s, admin "
                + s.admin() + ", file " + s.configFile() + ", " + s.reloads() + " reload(s)");
        if (s.reloadError() != null) {
            out.println("  LAST EDIT REFUSED: " + s.reloadError());
        }
        for (TranslatorStatus t : s.translators()) {
            out.println();
            out.println("translator " + t.name() + "  " + t.p4runtime() + " device " + t.deviceId() + ", pipeline " + t.pipeline()
                    + ", RoCE " + t.address());
            out.println("  state " + t.state() + (t.primary() ? " (primary, election id " + t.electionId() + ")"
                    : " (not primary; election id " + t.electionId() + ")") + (t.detail().isEmpty() ? "" : ": " + t.detail()));
            out.println("  P4Runtime " + t.apiVersion() + ", " + t.sessions() + " session(s), " + t.sessionLosses() + " lost, "
                    + t.pipelinePushes() + " pipeline push(es), " + t.writes() + " writes, " + t.writeFailures() + " failed");
            if (t.lastError() != null) {
                out.println("  last error: " + t.lastError());
            }
            TranslatorStatus.Counters c = t.counters();
            out.println("  reports " + nonZero(c.reports()) + "; drops " + nonZero(c.drops()) + "; packet-ins " + nonZero(t.packetIns())
                    + (c.pollError() == null ? "" : "; poll error: " + c.pollError()));
            Table q = new Table("COLLECTOR", "ADDRESS", "STATE", "STEP", "QPN", "REMOTE", "BOOT ID", "CONNECTS", "DOWNS", "FAILURES",
                    "SENT", "ACKS", "RESYNCS", "LOST", "NAKS", "PROBES");
            for (TranslatorStatus.QueuePairStatus p : t.queuePairs()) {
                long naks = p.naks().values().stream().mapToLong(Long::longValue).sum();
                q.row(p.collector(), p.address(), p.state(), p.step(), StatusOptions.shown(p.translatorQpn()), StatusOptions.shown(p.remoteQpn()), p.bootId(), p.connects(),
                        p.downs(), p.failures(), p.sentPackets(), p.acks(), p.resyncs(), p.lostPackets(), naks, p.probes());
            }
            q.print(out, "  ");
            for (TranslatorStatus.QueuePairStatus p : t.queuePairs()) {
                if (p.lastError() != null && !"up".equals(p.state())) {
                    out.println("  " + p.collector() + ": " + p.lastError());
                }
            }
            Table st = new Table("STORE", "ID", "KIND", "LAYOUT", "PROGRAMMED", "COLLECTORS", "TAIL BASE", "NOTE");
            for (TranslatorStatus.StoreStatus x : t.stores()) {
                st.row(x.name(), x.id(), x.kind(), x.layout(), x.programmed() ? "yes" : "no", x.collectors(),
                        x.tailBase() < 0 ? "" : x.tailBase(), x.error() == null ? "" : x.error());
            }
            st.print(out, "  ");
        }
        if (!s.reporters().isEmpty()) {
            out.println();
            Table r = new Table("REPORTER", "P4RUNTIME", "STATE", "PRIMARY", "FLOWS", "PUSHES", "WRITES", "REPORTS SENT", "LAST ERROR");
            for (ReporterStatus x : s.reporters()) {
                r.row(x.name(), x.p4runtime(), x.state(), x.primary() ? "yes" : "no", x.flows(), x.pipelinePushes(), x.writes(),
                        nonZero(x.reportsSent()), x.lastError() == null ? "" : x.lastError());
            }
            r.print(out, "");
        }
    }

    private static String nonZero(Map<String, Long> m) {
        String s = m.entrySet().stream().filter(e -> e.getValue() != 0).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        return s.isEmpty() ? "none" : s;
    }
}
