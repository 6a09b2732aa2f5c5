package net.dta.reporter.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.")
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
    }
}
