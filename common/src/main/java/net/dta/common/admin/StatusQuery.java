package net.dta.common.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import net.dta.common.security.ClientSecurity;

/**
 * What every component's {@code status} command does: find the admin address (given, from the
 * component's configuration file, or the default), fetch {@code /status}, print it raw
 * ({@code --json}) or as the component's table. Returns the command's exit code (0 or 1).
 */
public final class StatusQuery {
    public static final int OK = 0;
    public static final int FAILED = 1;

    private StatusQuery() {
    }

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

    /**
     * @param component "collector", "translator": prefixes every message
     * @param admin the --admin option, or null
     * @param config the --config option, or null
     */
    public static <T> int run(String component, String admin, Path config, String defaultAddress, AddressFromConfig fromConfig,
                              boolean json, int timeoutSeconds, Parser<T> parser, Printer<T> printer, PrintWriter out,
                              PrintWriter err) {
        return run(component, admin, config, defaultAddress, fromConfig, json, timeoutSeconds, parser, printer, out, err,
                ClientSecurity.NONE);
    }

    /** The same with TLS and/or a bearer token for the admin endpoint ({@link ClientSecurityOptions}). */
    public static <T> int run(String component, String admin, Path config, String defaultAddress, AddressFromConfig fromConfig,
                              boolean json, int timeoutSeconds, Parser<T> parser, Printer<T> printer, PrintWriter out,
                              PrintWriter err, ClientSecurity security) {
        String address = defaultAddress;
        if (admin != null) {
            address = admin;
        } else if (config != null) {
            address = fromConfig.address(config, err);
            if (address == null) {
                return FAILED;
            }
        }
        byte[] body;
        try {
            body = AdminClient.get(address, "/status", timeoutSeconds, component, security);
        } catch (IOException e) {
            err.println(component + ": " + e.getMessage());
            return FAILED;
        }
        if (json) {
            out.println(new String(body, StandardCharsets.UTF_8));
            return OK;
        }
        T status;
        try {
            status = parser.parse(body);
        } catch (IOException e) {
            err.println(component + ": the answer of " + address + " is not a " + component + " status: " + e.getMessage());
            return FAILED;
        }
        printer.print(out, status);
        return OK;
    }
}
