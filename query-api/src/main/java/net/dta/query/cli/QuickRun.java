package net.dta.query.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The query commands' fast start (issue 15 item 5, docs/performance.md "CLI start-up"): a plain
 * call of a one-question command to a query service ({@code kw-get -s S -k K --server H:P}) is
 * parsed here and run by the same command object picocli would run, without picocli. Picocli's
 * classes are Java 5 class files that the JDK's AOT cache cannot hold, and building its model of a
 * command reads every annotation through reflection: half of a query's start-up.
 *
 * <p>Only what this class understands exactly runs here: the subcommands below, their own
 * options as {@code --name value}, {@code --name=value} or {@code -x value}, each at most once
 * (except {@code -k} of kw-get), plain decimal numbers, values that do not start with '-'.
 * Anything else (help, a typo, a missing option, --data-dir, TLS options, a value picocli would
 * read differently) returns null and picocli parses the whole line, so usage, errors and output
 * stay what they were; {@code CliTest} compares both paths.
 */
public final class QuickRun {
    private static final Map<String, Supplier<QueryCommand>> COMMANDS = Map.of(
            "kw-get", QueryCommands.KeyWriteGet::new,
            "counter", QueryCommands.Counter::new,
            "path", QueryCommands.Path_::new,
            "append", QueryCommands.Append::new,
            "stores", QueryCommands.Stores::new,
            "status", QueryCommands.Status::new);

    /** Short names of the options these commands share. */
    private static final Map<String, String> SHORT = Map.of("-s", "--store", "-k", "--key", "-n", "--redundancy", "-l", "--list");

    private QuickRun() {
    }

    /** Runs the command line when it is a plain one; its exit code, or null when picocli must parse it. */
    public static Integer tryRun(String[] args, PrintWriter out, PrintWriter err) {
        QueryCommand command = parse(args);
        if (command == null) {
            return null;
        }
        int code;
        try {
            code = command.run(out, err);
        } catch (Exception e) {
            // What picocli's execution exception handler (CliRunner) prints.
            err.println("query " + args[0] + ": " + e.getMessage());
            code = picocli.CommandLine.ExitCode.SOFTWARE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Whether the fast path runs this command line (else picocli parses it). */
    public static boolean handles(String... args) {
        return parse(args) != null;
    }

    /** The command with its options set, or null when the line is not a plain call. */
    static QueryCommand parse(String[] args) {
        Supplier<QueryCommand> make = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (make == null) {
            return null;
        }
        QueryCommand command = make.get();
        command.target = new Target();
        Set<String> seen = new HashSet<>();
        for (String a : args) {
            if (a.startsWith("@")) {
                return null; // picocli reads @FILE as arguments
            }
        }
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                name = SHORT.getOrDefault(a, a);
            }
            if (!name.startsWith("--") || name.equals("--")) {
                return null;
            }
            boolean repeatable = name.equals("--key") && command instanceof QueryCommands.KeyWriteGet;
            if (!seen.add(name) && !repeatable) {
                return null;
            }
            if (!name.equals("--json")) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    value = args[++i];
                }
                if (value.startsWith("-")) {
                    return null;
                }
            } else if (value != null) {
                return null;
            }
            try {
                if (!command.option(name, value)) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return command.complete() ? command : null;
    }

    /** A number as the fast path takes it: plain decimal digits, no sign, no leading zero (picocli reads the rest). */
    static int plainInt(String text) {
        if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new NumberFormatException(text);
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new NumberFormatException(text);
            }
        }
        return Integer.parseInt(text);
    }
}
