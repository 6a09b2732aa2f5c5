package net.dta.reporter;

import java.io.PrintWriter;

import net.dta.reporter.cli.AgentCommand;
import net.dta.reporter.cli.LoadCommand;
import net.dta.reporter.cli.SendCommand;
import net.dta.common.cli.CliRunner;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code reporter <command>}: send DTA reports. {@link #main} only calls {@link #doMain} and exits
 * with its code, so tests run every command in-process.
 *
 * <p>Exit codes: 0 success, 1 the command failed (a socket that cannot open, reports the kernel
 * refused), 2 wrong usage (an unknown option, a bad value: the message names the field).
 */
@Command(name = "reporter", mixinStandardHelpOptions = true, versionProvider = ReporterMain.Version.class,
        description = "DTA reporter: send telemetry reports to a translator (load generator, single reports). Benchmarks: ./dta bench.",
        subcommands = {LoadCommand.class, SendCommand.class, AgentCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/reporter.md"})
public final class ReporterMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before the first logger: see net/dta/reporter/logback.xml for why the file is named.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "net/dta/reporter/logback.xml");
        }
        System.exit(doMain(args));
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new ReporterMain(), "reporter", ExitCode.SOFTWARE, ExitCode.USAGE, out, err, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(ReporterMain.class, "DTA reporter");
        }
    }
}
