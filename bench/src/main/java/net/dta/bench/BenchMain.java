package net.dta.bench;

import java.io.PrintWriter;

import net.dta.bench.cli.BenchCommand;
import net.dta.common.cli.CliRunner;
import picocli.CommandLine;

/**
 * {@code bench <benchmark>}: every benchmark of docs/performance.md. {@link #main} only calls
 * {@link #doMain} and exits with its code, so tests run every benchmark in-process.
 *
 * <p>Exit codes: 0 success, 1 the benchmark failed, 2 wrong usage (the message names the field).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        // Before the first logger: the reporter's configuration (see net/dta/reporter/logback.xml for why it is named).
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "net/dta/reporter/logback.xml");
        }
        System.exit(doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one benchmark with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new BenchCommand(), "bench", CommandLine.ExitCode.SOFTWARE, CommandLine.ExitCode.USAGE, out, err, args);
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return CliRunner.version(BenchMain.class, "DTA benchmarks");
        }
    }
}
