package net.dta.collector;

import java.io.PrintWriter;

import net.dta.collector.cli.CheckConfigCommand;
import net.dta.collector.cli.ReadCommand;
import net.dta.collector.cli.RunCommand;
import net.dta.collector.cli.StatusCommand;
import net.dta.collector.cli.StoresCommand;
import net.dta.collector.state.CollectorState;
import net.dta.common.cli.CliRunner;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code collector <command>}: the daemon and its tools. {@link #main} only calls {@link #doMain}
 * and exits with its code, so that tests can run every command in-process.
 *
 * <p>Exit codes: 0 success, 1 the command failed (bad configuration, store files that do not
 * match, a backend that cannot start, an unreachable admin endpoint), 2 wrong usage.
 */
@Command(name = "collector", mixinStandardHelpOptions = true, versionProvider = CollectorMain.Version.class,
        description = "The DTA collector: RDMA-written telemetry stores, their catalog, status and offline reads.",
        subcommands = {RunCommand.class, StatusCommand.class, CheckConfigCommand.class, StoresCommand.class, ReadCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/collector.md"})
public final class CollectorMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CollectorState.initialiseBeforeSignals();
        System.exit(doMain(args));
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new CollectorMain(), "collector", ExitCode.SOFTWARE, out, err, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(CollectorMain.class, "DTA collector");
        }
    }
}
