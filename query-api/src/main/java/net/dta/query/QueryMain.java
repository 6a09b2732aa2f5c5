package net.dta.query;

import java.io.PrintWriter;

import net.dta.common.cli.CliRunner;
import net.dta.query.cli.BenchCommand;
import net.dta.query.cli.CheckConfigCommand;
import net.dta.query.cli.FollowCommand;
import net.dta.query.cli.QueryCommands;
import net.dta.query.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code query <command>}: the query service and its client. {@link #main} only calls
 * {@link #doMain} and exits with its code, so that tests run every command in-process.
 *
 * <p>Exit codes: 0 success, 1 the command failed (a bad query, an unreachable service, a bad
 * configuration), 2 wrong usage.
 */
@Command(name = "query", mixinStandardHelpOptions = true, versionProvider = QueryMain.Version.class,
        description = {"The DTA query service (serve) and its client: reads of the collector stores, routed to the right collector.",
                "Query commands ask a running service (--server, default 127.0.0.1:40045) or read stores directly (--data-dir, --deployment)."},
        subcommands = {ServeCommand.class, CheckConfigCommand.class, QueryCommands.KeyWriteGet.class, QueryCommands.Counter.class,
                QueryCommands.Path_.class, QueryCommands.Append.class, FollowCommand.class, QueryCommands.Stores.class,
                QueryCommands.Status.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Documentation: docs/query.md"})
public final class QueryMain implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

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
        return CliRunner.execute(new QueryMain(), "query", FAILED, out, err, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(QueryMain.class, "DTA query service");
        }
    }
}
