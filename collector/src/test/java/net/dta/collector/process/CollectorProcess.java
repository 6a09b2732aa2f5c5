package net.dta.collector.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code collector run} in a separate JVM, started with this test's classpath and JVM flags,
 * its output in a log file. {@link #kill} is a {@code kill -9}; {@link #stop} a SIGTERM.
 */
final class CollectorProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Properties ready = new Properties();

    private CollectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CollectorProcess start(Path config, Path workDir) throws IOException, InterruptedException {
        Path readyFile = workDir.resolve("ready-" + System.nanoTime());
        Path log = workDir.resolve("collector-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-javaagent") && !arg.startsWith("-agentlib")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add("net.dta.collector.CollectorMain");
        cmd.addAll(List.of("run", "--config", config.toString(), "--ready-file", readyFile.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        CollectorProcess cp = new CollectorProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(readyFile)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the collector exited with " + p.exitValue() + ":\n" + cp.output());
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the collector did not get ready in 60 s:\n" + cp.output());
            }
            Thread.sleep(50);
        }
        try (var in = Files.newBufferedReader(readyFile)) {
            cp.ready.load(in);
        }
        return cp;
    }

    String admin() {
        return ready.getProperty("admin");
    }

    String bootId() {
        return ready.getProperty("boot-id");
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** kill -9: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the collector shuts down cleanly; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the collector did not stop within 30 s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
