package net.dta.common.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import net.dta.common.config.HostPort;
import net.dta.common.status.StatusJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every component's {@code status} command takes and does (a picocli mixin): find the admin
 * address (--admin, the one a configuration file names, or the component's default), fetch
 * {@code /status} with the endpoint's credentials, print it raw (--json) or as the component's
 * table. Messages start with the command's name ("collector status: ...").
 */
public final class StatusOptions {
    /** Reads the admin address from a configuration file; null after reporting why on err. */
    @FunctionalInterface
    public interface AddressFromConfig {
        String address(Path config, PrintWriter err);
    }

    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] json) throws IOException;
    }

    @FunctionalInterface
    public interface Printer<T> {
        void print(PrintWriter out, T status);
    }

    /** --admin and --config name the same thing: one or the other. */
    static final class Target {
        @Option(names = "--admin", paramLabel = "HOST:PORT",
                description = "The ${PARENT-COMMAND-NAME}'s admin address (default: 127.0.0.1 and the default admin port below).")
        String admin;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Take the admin address from this configuration file.")
        Path config;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @ArgGroup(exclusive = true)
    Target target;

    @Mixin
    ClientSecurityOptions security;

    @Option(names = "--json", description = "Print the raw JSON of /status.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for an answer (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /**
     * Asks the endpoint and prints the answer; returns the exit code: 0, 1 (no answer, not a
     * status, an unusable configuration) or 2 (an --admin that is not HOST:PORT).
     */
    public <T> int query(String defaultAddress, AddressFromConfig fromConfig, Parser<T> parser, Printer<T> printer) {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        String name = command.qualifiedName();
        String component = command.parent() == null ? name : command.parent().name();
        String admin = target == null ? null : target.admin;
        Path config = target == null ? null : target.config;
        String address = defaultAddress;
        if (admin != null) {
            if (HostPort.parse(admin) == null) {
                err.println(name + ": --admin must be HOST:PORT like " + defaultAddress + ", got \"" + admin + "\"");
                return ExitCode.USAGE;
            }
            address = admin;
        } else if (config != null) {
            address = fromConfig.address(config, err);
            if (address == null) {
                return ExitCode.SOFTWARE;
            }
        }
        byte[] body;
        try {
            body = AdminClient.get(address, "/status", timeoutSeconds, component, security.security());
        } catch (IOException e) {
            err.println(name + ": " + e.getMessage() + (target == null ? " (--admin HOST:PORT or --config FILE name another one)" : ""));
            return ExitCode.SOFTWARE;
        }
        if (json) {
            out.println(new String(body, StandardCharsets.UTF_8));
            return ExitCode.OK;
        }
        T status;
        try {
            status = parser.parse(body);
        } catch (IOException e) {
            err.println(name + ": the answer of " + address + " is not a " + component + " status: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        printer.print(out, status);
        String redacted = StatusJson.redactedNote(body);
        if (redacted != null) {
            out.println();
            out.println("note: " + redacted);
        }
        return ExitCode.OK;
    }

    /** A {@link net.dta.common.status.Secret} field as the text views show it: "hidden" when the endpoint left it out. */
    public static String shown(Object secret) {
        return secret == null ? "hidden" : secret.toString();
    }
}
