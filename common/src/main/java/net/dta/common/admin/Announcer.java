package net.dta.common.admin;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the switch controller, once, that this component has just started ({@code POST
 * /announce}, docs/reliability.md): the controller then connects a collector's queue pairs or
 * re-programs a translator at once instead of at the end of its back-off. A controller that does
 * not answer is asked again every {@link #RETRY} for up to {@link #WINDOW} (it may be starting
 * too; a controller that starts later connects everything anyway); a controller that answers
 * with an error is not asked again. Runs on a daemon thread of its own, so nothing waits for it;
 * made early in a component's start (the HTTP client warms up meanwhile), sent by {@link #announce}.
 */
public final class Announcer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
    public static final Duration RETRY = Duration.ofMillis(250);
    public static final Duration WINDOW = Duration.ofSeconds(30);
    private static final int TIMEOUT_SECONDS = 2;

    private final ControllerLink link;
    private final String component;
    private final Supplier<byte[]> body;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    private volatile String outcome = "waiting";

    /**
     * @param component what announces, for logs ("collector c1")
     * @param body the announcement's JSON, built when it is sent (it may name live queue pairs)
     */
    public Announcer(ControllerLink link, String component, Supplier<byte[]> body) {
        this.link = link;
        this.component = component;
        this.body = body;
        this.thread = new Thread(this::run, "dta-announce");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends the announcement now (the component is ready). The HTTP client was warmed up on the
     * announcer's thread meanwhile: its first use costs seconds on a busy machine.
     */
    public void announce() {
        outcome = "announcing";
        go.countDown();
    }

    /** "waiting", "announcing", "announced: ...", "refused: ..." or "unanswered: ..." (for status). */
    public String outcome() {
        return outcome;
    }

    private void run() {
        try (java.net.http.HttpClient warm = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + link.admin() + "/announce")).build();
            if (link.security().tls()) {
                link.security().sslContext();
            }
        } catch (IOException | RuntimeException e) {
            // the real request reports what is wrong
        }
        try {
            go.await();
        } catch (InterruptedException e) {
            return;
        }
        long deadline = System.nanoTime() + WINDOW.toNanos();
        String firstFailure = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                byte[] answer = AdminClient.post(link.admin(), "/announce", body.get(), TIMEOUT_SECONDS, "switch controller",
                        link.security());
                outcome = "announced: " + new String(answer, java.nio.charset.StandardCharsets.UTF_8).strip();
                LOG.info("{} announced to the switch controller at {}: {}", component, link.admin(), outcome.substring(11));
                return;
            } catch (AdminClient.Refused e) {
                outcome = "refused: " + e.getMessage();
                LOG.warn("the switch controller refused the announcement of {} ({}); it will find this {} by polling, at the "
                        + "end of its back-off: fix the controller section of this component's file", component, e.getMessage(),
                        component.split(" ")[0]);
                return;
            } catch (IOException e) {
                if (firstFailure == null) {
                    firstFailure = e.getMessage();
                    LOG.info("announcing {} to the switch controller at {}: no answer yet ({}); asking again every {} ms for up to "
                            + "{} s", component, link.admin(), e.getMessage(), RETRY.toMillis(), WINDOW.toSeconds());
                }
                if (System.nanoTime() > deadline) {
                    outcome = "unanswered: " + e.getMessage();
                    LOG.warn("the switch controller at {} did not answer the announcement of {} within {} s ({}); it connects "
                            + "this component when it runs", link.admin(), component, WINDOW.toSeconds(), e.getMessage());
                    return;
                }
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
