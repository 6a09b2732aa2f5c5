package net.dta.controller.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import net.dta.deployment.BucketMap;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.ReporterSpec;
import net.dta.deployment.Route;
import net.dta.deployment.StoreSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.protocol.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code controller check-config FILE}: validates a deployment file and shows what it describes; contacts nothing. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Check a deployment file: every problem with file:line:column and field.",
                "Shows the collectors, stores (with their bucket maps), translators and reporters it describes.",
                "Contacts no switch and no collector."})
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The deployment file (YAML).")
    Path file;

    /** Append settings mean nothing for stores known to be of another kind. */
    private static Object appendOnly(StoreSpec s, Object value) {
        return s.kind() == null || s.kind() == net.dta.protocol.layout.StoreKind.APPEND ? value : "";
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Deployment d = ConfigFiles.loadOrReport(file, DeploymentLoader::load, err);
        if (d == null) {
            return ExitCode.SOFTWARE;
        }
        out.println(file + ": deployment " + d.name() + ": " + d.translators().size() + " translator(s), " + d.collectors().size()
                + " collector(s), " + d.stores().size() + " store(s), " + d.reporters().size() + " reporter(s); admin "
                + (d.controller().admin() == null ? "disabled" : d.controller().admin()) + "; RDMA CM secret "
                + (d.controller().cmSecret() == null ? "NOT SET (controller.cm.secret-file: ./dta controller run refuses to start "
                + "with translators)" : "read"));
        Table c = new Table("COLLECTOR", "INDEX", "ADDRESS", "MAC", "CM PORT", "MTU", "ADMIN", "DATA DIR");
        for (CollectorSpec x : d.collectors()) {
            c.row(x.name(), x.index(), x.addressText(), Addresses.formatMac(x.mac()), x.cmPort(), x.pathMtu(),
                    x.admin() == null ? "" : x.admin(), x.dataDir() == null ? "" : x.dataDir());
        }
        c.print(out, "  ");
        Table s = new Table("STORE", "ID", "KIND", "COLLECTORS", "BUCKETS", "APPEND BATCH", "TAIL BASE");
        for (StoreSpec x : d.stores()) {
            BucketMap m = d.bucketMap(x);
            List<String> share = new ArrayList<>();
            for (CollectorSpec h : d.collectorsOf(x)) {
                share.add(h.name() + ":" + m.bucketsOf(h));
            }
            s.row(x.name(), x.id(), x.kind() == null ? "(from catalogs)" : x.kind().configName(), String.join(",", x.collectors()),
                    (x.explicitBuckets() ? "explicit " : "b mod n ") + String.join(" ", share),
                    appendOnly(x, x.appendBatch()), appendOnly(x, x.tailBase() == null ? "auto" : x.tailBase()));
        }
        s.print(out, "  ");
        if (!d.translators().isEmpty()) {
            Table t = new Table("TRANSLATOR", "P4RUNTIME", "DEVICE", "ELECTION", "PIPELINE", "ADDRESS", "MAC", "ID", "COLLECTORS", "ROUTES");
            for (TranslatorSpec x : d.translators()) {
                t.row(x.name(), x.device().p4runtime(), x.device().deviceId(), x.device().electionId(), x.pipeline().configName(),
                        x.addressText(), Addresses.formatMac(x.mac()), x.translatorId(), String.join(",", x.collectors()),
                        x.routes().stream().map(Route::toString).reduce((a, b) -> a + "; " + b).orElse("host routes only"));
            }
            t.print(out, "  ");
        }
        if (!d.reporters().isEmpty()) {
            Table r = new Table("REPORTER", "P4RUNTIME", "PIPELINE", "SWITCH ID", "TRANSLATOR", "REPORT PORT", "FLOWS");
            for (ReporterSpec x : d.reporters()) {
                r.row(x.name(), x.device().p4runtime(), x.device().pipeline().configName(), x.switchId(), x.translator(),
                        x.reportPort(), x.flows().size());
            }
            r.print(out, "  ");
        }
        if (d.translators().isEmpty() && d.reporters().isEmpty()) {
            out.println("note: no translators and no reporters: 'controller run' would have nothing to control");
        }
        out.println("OK");
        return ExitCode.OK;
    }
}
