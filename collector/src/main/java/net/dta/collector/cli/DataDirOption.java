package net.dta.collector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.common.config.ConfigFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the store files are: {@code --data-dir DIR}, or the data-dir of {@code --config FILE}. */
final class DataDirOption {
    static final class Choice {
        @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "The collector's data directory.")
        Path dataDir;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Use the data-dir of this configuration.")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    /** The directory, or null after printing why there is none. */
    Path resolve(PrintWriter err) {
        if (choice.dataDir != null) {
            return choice.dataDir;
        }
        CollectorConfig cfg = ConfigFiles.loadOrReport(choice.config, ConfigLoader::load, err);
        return cfg == null ? null : cfg.dataDir();
    }
}
