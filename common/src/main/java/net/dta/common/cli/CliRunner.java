package net.dta.common.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * Runs a picocli command tree with given output streams and returns its exit code, so that a
 * component's {@code main} is only {@code System.exit(doMain(args))} and tests run every command
 * in-process. An exception escaping a command is printed as {@code name: message} and exits with
 * {@code failedCode}.
 */
public final class CliRunner {
    private CliRunner() {
    }

    public static int execute(Object command, String name, int failedCode, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(name + ": " + e.getMessage());
            return failedCode;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
