package net.dta.collector.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.store.Layouts;
import net.dta.collector.store.StoreFile;
import net.dta.collector.store.StoreFileException;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code collector check-config FILE}: validates a configuration, and the store files it would
 * open, without changing anything.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Check a configuration file: every problem with file:line:column and field.",
                "Existing store files in its data directory are checked against it too. Nothing is created or changed."})
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The collector configuration (YAML).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CollectorConfig cfg = ConfigFiles.loadOrReport(file, ConfigLoader::load, err);
        if (cfg == null) {
            return ExitCode.SOFTWARE;
        }
        int mismatches = 0;
        long total = 0;
        Table t = new Table("STORE", "ID", "KIND", "LAYOUT", "SIZE", "FILE");
        for (CollectorConfig.StoreConfig sc : cfg.stores()) {
            Path path = StoreFile.pathOf(cfg.dataDir(), sc.name());
            String fileState = "will be created";
            if (Files.exists(path)) {
                try {
                    var found = StoreFile.readHeader(path).definition();
                    if (Layouts.sameStore(found, sc.definition())) {
                        fileState = "exists, matches";
                    } else {
                        mismatches++;
                        fileState = "exists, DOES NOT MATCH";
                        err.println(path + ": holds " + found.name() + ", a " + Layouts.describe(found) + ", but " + file.getFileName()
                                + " defines a " + Layouts.describe(sc.definition())
                                + "; restore the previous definition, or move the file away to start an empty store");
                    }
                } catch (StoreFileException e) {
                    mismatches++;
                    fileState = "exists, UNUSABLE";
                    err.println(e.getMessage());
                }
            }
            total += sc.definition().layout().dataLength();
            t.row(sc.name(), sc.definition().storeId(), sc.definition().kind().configName(), Layouts.describe(sc.definition().layout()),
                    Layouts.bytes(sc.definition().layout().dataLength()), fileState);
        }
        out.println(file + ": collector " + cfg.name() + ", ingest " + cfg.network().ingest().configName() + " on "
                + cfg.network().address().getHostAddress() + ":" + cfg.network().rocePort() + ", admin "
                + (cfg.admin().enabled() ? cfg.admin().address() : "disabled"));
        out.println("data directory " + cfg.dataDir() + ": " + cfg.stores().size() + " stores, " + Layouts.bytes(total)
                + " of data areas (sparse: disk is used as they fill)");
        t.print(out, "  ");
        if (mismatches > 0) {
            err.println(mismatches + " store file(s) do not match the configuration: the collector would refuse to start");
            return ExitCode.SOFTWARE;
        }
        out.println("OK");
        return ExitCode.OK;
    }
}
