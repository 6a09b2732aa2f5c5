package net.dta.controller;

import java.io.PrintWriter;

import net.dta.common.cli.CliRunner;
import net.dta.controller.cli.CheckConfigCommand;
import net.dta.controller.cli.RunCommand;
import net.dta.controller.cli.StatusCommand;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code controller <command>}: the switch controller and its tools. {@link #main} only calls
 * {@link #doMain} and exits with its code, so that tests run every command in-process.
 *
 * <p>Exit codes: 0 success, 1 the command failed (bad deployment file, unreachable admin
 * endpoint), 2 wrong usage.
 */
@Command(name = "controller", mixinStandardHelpOptions = true, versionProvider = ControllerMain.Version.class,
        description = "The DTA switch controller: programs translators and reporters through P4Runtime and sets up "
                + "the translators' RDMA connections to the collectors, as one deployment file describes.",
        subcommands = {RunCommand.class, StatusCommand.class, CheckConfigCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/controller.md, docs/deployment.md"})
public final class ControllerMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(doMain(args));
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new ControllerMain(), "controller", ExitCode.SOFTWARE, out, err, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(ControllerMain.class, "DTA switch controller");
        }
    }
}
