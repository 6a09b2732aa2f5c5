package net.dta.testkit;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A command's {@code main} in a separate JVM, as the launcher would run it: this test's classpath
 * and JVM flags (agents left out), output and errors in a log file. Started with a
 * {@code --ready-file}, it is ready once that file exists (the project's daemons write it
 * atomically once they run); its {@code key=value} lines are then readable with {@link #ready}.
 * {@link #stop} is a SIGTERM, {@link #close} a {@code kill -9} of what still runs.
 */
public final class TestJvm implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Properties ready = new Properties();

    private TestJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The java command line of {@code mainClass} with this JVM's classpath and flags. */
    public static List<String> command(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-javaagent") && !arg.startsWith("-agentlib")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts {@code mainClass} with {@code args} followed by {@code --ready-file workDir/name.ready},
     * its output in {@code workDir/name.log}, and waits until the ready file exists.
     *
     * @throws IllegalStateException with the output when it exits or times out first
     */
    public static TestJvm startUntilReady(String mainClass, List<String> args, Path workDir, String name, Duration timeout)
            throws IOException, InterruptedException {
        Path readyFile = workDir.resolve(name + ".ready");
        Path log = workDir.resolve(name + ".log");
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--ready-file", readyFile.toString()));
        Process p = new ProcessBuilder(command(mainClass, all)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestJvm jvm = new TestJvm(p, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(readyFile)) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + " before it was ready:\n" + jvm.output());
            }
            if (System.nanoTime() > deadline) {
                jvm.close();
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s:\n" + jvm.output());
            }
            Thread.sleep(50);
        }
        try (Reader in = Files.newBufferedReader(readyFile)) {
            jvm.ready.load(in);
        }
        return jvm;
    }

    /** A value of the ready file. */
    public String ready(String key) {
        String v = ready.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("no " + key + " in the ready file: " + ready);
        }
        return v;
    }

    public long readyNumber(String key) {
        return Long.parseLong(ready(key));
    }

    /** Everything it printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** SIGTERM, then waits up to 30 s; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("it did not stop within 30 s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** kill -9 when it still runs (no shutdown hook runs). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
