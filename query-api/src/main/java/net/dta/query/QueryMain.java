package net.dta.query;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import io.grpc.netty.shaded.io.netty.util.internal.logging.JdkLoggerFactory;
import net.dta.common.cli.CliRunner;
import net.dta.query.cli.CheckConfigCommand;
import net.dta.query.cli.FollowCommand;
import net.dta.query.cli.QueryCommands;
import net.dta.query.cli.QuickRun;
import net.dta.query.cli.ServeCommand;
import picocli.CommandLine.ExitCode;
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
        footer = {"", "Documentation: docs/query.md"})
public final class QueryMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length == 0 || !"serve".equals(args[0])) {
            useClientLogging();
        }
        System.exit(doMain(args));
    }

    /**
     * A query command is a short-lived gRPC client: Netty logs through java.util.logging instead
     * of starting Logback (~500 classes and an XML configuration parsed on every call). "serve"
     * keeps SLF4J/Logback like the other daemons.
     */
    public static void useClientLogging() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** The subcommands in the order of the help text (a holder: the fast path never loads picocli's classes). */
    private static final class Commands {
        static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

        static {
            COMMANDS.put("serve", ServeCommand.class);
            COMMANDS.put("check-config", CheckConfigCommand.class);
            COMMANDS.put("kw-get", QueryCommands.KeyWriteGet.class);
            COMMANDS.put("counter", QueryCommands.Counter.class);
            COMMANDS.put("path", QueryCommands.Path_.class);
            COMMANDS.put("append", QueryCommands.Append.class);
            COMMANDS.put("follow", FollowCommand.class);
            COMMANDS.put("stores", QueryCommands.Stores.class);
            COMMANDS.put("status", QueryCommands.Status.class);
            COMMANDS.put("help", CommandLine.HelpCommand.class);
        }

        private Commands() {
        }
    }

    /**
     * Runs one command with the given output streams; returns the exit code. A plain query call
     * runs without picocli ({@link QuickRun}), everything else through it.
     */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        Integer quick = QuickRun.tryRun(args, out, err);
        return quick != null ? quick : doMainWithPicocli(out, err, args);
    }

    /** As {@link #doMain(PrintWriter, PrintWriter, String...)}, always parsed by picocli (tests compare the two). */
    public static int doMainWithPicocli(PrintWriter out, PrintWriter err, String... args) {
        // Picocli reads the annotations of every registered subcommand before it parses anything
        // (most of a query's start-up time): a call naming a subcommand registers only that one;
        // anything else (help, a typo to suggest a fix for) registers them all.
        CommandLine cl = new CommandLine(new QueryMain());
        Class<?> named = args.length > 0 ? Commands.COMMANDS.get(args[0]) : null;
        if (named != null && !"help".equals(args[0])) {
            cl.addSubcommand(args[0], named);
        } else {
            Commands.COMMANDS.forEach(cl::addSubcommand);
        }
        return CliRunner.execute(cl, ExitCode.SOFTWARE, ExitCode.SOFTWARE, out, err, args);
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
