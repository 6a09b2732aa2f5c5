package net.dta.common.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * Runs a picocli command tree with given output streams and returns its exit code, so that a
 * component's {@code main} is only {@code System.exit(doMain(args))} and tests run every command
 * in-process. An exception escaping a command is printed as {@code program command: message} and
 * exits with {@code failedCode}.
 */
public final class CliRunner {
    private CliRunner() {
    }

    public static int execute(Object command, String name, int failedCode, PrintWriter out, PrintWriter err, String... args) {
        return execute(command, name, failedCode, failedCode, out, err, args);
    }

    /**
     * As above, with a separate exit code for an {@link IllegalArgumentException} escaping a
     * command (a bad option value found while running, which is wrong usage).
     */
    public static int execute(Object command, String name, int failedCode, int usageCode, PrintWriter out, PrintWriter err,
                              String... args) {
        return execute(new CommandLine(command), failedCode, usageCode, out, err, args);
    }

    /** As above, for a command line the caller built (e.g. with only the subcommand a call names). */
    public static int execute(CommandLine cl, int failedCode, int usageCode, PrintWriter out, PrintWriter err, String... args) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // "reporter load: ..." names the command that failed, not only the program.
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return e instanceof IllegalArgumentException ? usageCode : failedCode;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version line of a component: the jar manifest's version, or "(development build)". */
    public static String[] version(Class<?> main, String title) {
        String v = main.getPackage().getImplementationVersion();
        return new String[] {title + " " + (v == null ? "(development build)" : v)};
    }
}
