package net.dta.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigProblem;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies edits of the deployment file while the controller runs: the file is checked every
 * interval; when its content changed and it is valid, the controller gets the new deployment;
 * when it is not, every problem is logged (file:line:column: field: ...) and the running
 * deployment stays as it is.
 */
public final class DeploymentWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatcher.class);

    private final Path file;
    private final Controller controller;
    private final ScheduledExecutorService timer;
    private byte[] lastDigest;

    public DeploymentWatcher(Path file, Controller controller, long intervalMillis) throws IOException {
        this.file = file;
        this.controller = controller;
        this.lastDigest = digest();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dta-deployment-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private byte[] digest() throws IOException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the file once (also called by the timer). */
    public void check() {
        byte[] now;
        try {
            now = digest();
        } catch (IOException e) {
            return; // being replaced by an editor; next time
        }
        if (Arrays.equals(now, lastDigest)) {
            return;
        }
        lastDigest = now;
        try {
            Deployment next = DeploymentLoader.load(file);
            LOG.info("{} changed: applying it", file);
            controller.reload(next);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                LOG.error("{}", p);
            }
            String why = e.problems().size() + " problem(s) in the changed " + file.getFileName()
                    + ": the running deployment is kept; first: " + e.problems().get(0);
            LOG.error(why);
            controller.reloadRefused(why);
        } catch (IOException | RuntimeException e) {
            LOG.error("applying the changed {} failed: {}", file, e.toString(), e);
            controller.reloadRefused(e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
