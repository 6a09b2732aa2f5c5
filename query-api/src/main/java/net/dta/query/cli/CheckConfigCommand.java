package net.dta.query.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import net.dta.common.config.ConfigException;
import net.dta.deployment.DeploymentLoader;
import net.dta.query.config.QueryConfig;
import net.dta.query.config.QueryConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check-config FILE}: validates a query.yaml (and the deployment file it names) without starting anything. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a query service configuration (and the deployment file it names); change nothing.")
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The configuration file (query.yaml).")
    Path file;

    @Override
    public Integer call() {
        try {
            QueryConfig c = QueryConfigLoader.load(file);
            if (c.deployment() != null) {
                DeploymentLoader.load(c.deployment());
            }
            spec.commandLine().getOut().println(file + ": OK (" + ServeCommand.describe(c) + ")");
            return ExitCode.OK;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCode.SOFTWARE;
        }
    }
}
