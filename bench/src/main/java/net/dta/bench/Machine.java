package net.dta.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line about the machine a benchmark ran on, for the record. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // not Linux: keep "unknown"
        }
        return String.format(Locale.ROOT, "machine: %d cores (%s), %s %s, Java %s, load average %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.version(), loadAverage());
    }

    /** The 1-minute load average (others' work on a shared machine shows here). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
