package net.dta.collector.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import net.dta.testkit.TestJvm;

/**
 * {@code collector run} in a separate JVM, started with this test's classpath and JVM flags,
 * its output in a log file ({@link TestJvm}). {@link #kill} is a {@code kill -9}; {@link #stop} a SIGTERM.
 */
final class CollectorProcess implements AutoCloseable {
    private final TestJvm jvm;

    private CollectorProcess(TestJvm jvm) {
        this.jvm = jvm;
    }

    static CollectorProcess start(Path config, Path workDir) throws IOException, InterruptedException {
        return new CollectorProcess(TestJvm.startUntilReady("net.dta.collector.CollectorMain", List.of("run", "--config", config.toString()),
                workDir, "collector-" + System.nanoTime(), Duration.ofSeconds(60)));
    }

    String admin() {
        return jvm.ready("admin");
    }

    String bootId() {
        return jvm.ready("boot-id");
    }

    String output() {
        return jvm.output();
    }

    /** kill -9: no shutdown hook runs. */
    void kill() throws InterruptedException {
        jvm.close();
    }

    /** SIGTERM: the collector shuts down cleanly; returns the exit code. */
    int stop() throws InterruptedException {
        return jvm.stop();
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
