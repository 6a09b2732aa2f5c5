package net.dta.translator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import net.dta.common.config.ConfigFiles;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.TranslatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code translator check-config FILE}: validates a configuration and shows what it means. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Check a configuration file: every problem with file:line:column and field; on success, the settings in effect.")
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The translator configuration (YAML).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TranslatorConfig c = ConfigFiles.loadOrReport(file, ConfigLoader::load, spec.commandLine().getErr());
        if (c == null) {
            return ExitCode.SOFTWARE;
        }
        RunCommand.describe(out, c);
        out.println("OK");
        return ExitCode.OK;
    }
}
