package net.dta.demo;

import java.nio.file.Path;
import java.time.Duration;

import net.dta.common.config.HostPort;
import net.dta.translator.config.Mode;

/**
 * What one demo run does, from the command line ({@link DemoMain} validates every option).
 *
 * @param duration        how long to run; null: until Ctrl-C or SIGTERM
 * @param rate            generated reports per second; 0: no generated load (only the demo flows)
 * @param net             the first three bytes of the demo's loopback addresses ({@code 127.0.0})
 * @param collectorAdmin  admin endpoint of the first collector; collector i listens on port + 10 i (port 0: any free port)
 * @param readyFile       written once everything runs (null: none)
 */
record DemoSettings(Path dataDir, boolean fresh, Duration duration, double rate, int collectors, Mode mode, String net,
                    int p4runtimePort, int reportPort, HostPort grpc, HostPort http, HostPort controllerAdmin,
                    HostPort translatorAdmin, HostPort collectorAdmin, Path readyFile, long seed) {
    static final String TRANSLATOR = "tor-1";

    String translatorAddress() {
        return net + ".10";
    }

    String collectorName(int i) {
        return "c" + (i + 1);
    }

    String collectorAddress(int i) {
        return net + "." + (21 + i);
    }

    HostPort collectorAdmin(int i) {
        return new HostPort(collectorAdmin.host(), collectorAdmin.port() == 0 ? 0 : collectorAdmin.port() + 10 * i);
    }

    /** 02:00 followed by the address's four bytes: the default MAC of the deployment file (docs/deployment.md). */
    static String macOf(String address) {
        StringBuilder b = new StringBuilder("02:00");
        for (String part : address.split("\\.")) {
            b.append(String.format(":%02x", Integer.parseInt(part)));
        }
        return b.toString();
    }
}
