package net.dta.controller.translator;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.DisconnectRequest;
import net.dta.controller.cm.FramePort;
import net.dta.controller.cm.FrameRouter;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.TranslatorSpec;

/**
 * The RDMA CM side of one translator's queue pairs (protocol.md 7): makes the connectors of
 * connection attempts, the side connections of adoptions and the DREQs of abandoned connections,
 * answers collectors' DREQs, counts CM events, and owns the executor on which blocking CM
 * exchanges run (a worker per exchange, so that a dead collector delays nobody). Holds no
 * queue-pair state.
 */
final class CollectorCm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorCm.class);

    private final Supplier<TranslatorSpec> translator;
    private final ControllerSettings settings;
    private final FramePort framePort;
    private final FrameRouter router;
    private final CmEvents events;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService workers;

    CollectorCm(Supplier<TranslatorSpec> translator, ControllerSettings settings, FramePort framePort, FrameRouter router,
                CmEvents events) {
        this.translator = translator;
        this.settings = settings;
        this.framePort = framePort;
        this.router = router;
        this.events = events;
        String name = translator.get().name();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dta-cm-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a blocking CM exchange on a worker; null when the workers are shut down (the controller is stopping). */
    Future<?> submit(Runnable exchange) {
        try {
            return workers.submit(exchange);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    /** The connector of one connection attempt of the translator's queue pair to {@code c}. */
    CmConnector connector(CollectorSpec c) {
        return connector(c, settings.cmRetries());
    }

    private CmConnector connector(CollectorSpec c, int retries) {
        return new CmConnector(translator.get(), c, framePort, router.open(c.address()), settings.cmTimeout(), retries, random,
                settings.cmSecret());
    }

    /** Reads the catalog of a collector whose queue pair the translator still runs, through a side connection (blocking). */
    QueuePairAdoption.Adopted adopt(CollectorSpec c) throws ConnectException, InterruptedException {
        QueuePairAdoption.Adopted a = QueuePairAdoption.readCatalog(translator.get(), c, framePort, router, settings, random);
        events.add("queue_pair_adopted");
        return a;
    }

    /**
     * Sends a DREQ for the connection a queue pair had before (it went down, or an attempt failed
     * after the REP), so that the collector drops it: Linux would otherwise keep it and reject the
     * new REQ from the same QPN with REJ 10 (stale connection) for ~90 s (protocol.md 7.1). Two
     * tries, short: a collector that restarted does not know the connection and stays silent.
     * Blocking: on the attempt's worker.
     */
    void disconnectAbandoned(CollectorSpec c, CmConnector.Handshake old) throws InterruptedException {
        events.add("dreq_sent_abandoned");
        boolean answered = connector(c, 1).disconnect(old);
        events.add(answered ? "drep_received_abandoned" : "drep_missing_abandoned");
        LOG.info("translator {}: {} the abandoned connection to {} (collector QPN 0x{}, communication id 0x{}) before "
                + "connecting again", translator.get().name(), answered ? "disconnected (DREQ, DREP)" : "sent DREQs, no DREP "
                + "(collector restarted?), for", c.describe(), Integer.toHexString(old.remoteQpn()), Integer.toHexString(old.localCommId()));
    }

    /** Disconnects the connection of a collector removed from the deployment (DREQ on a worker), then runs {@code done}. */
    void disconnectRemoved(CollectorSpec c, CmConnector.Handshake h, Runnable done) {
        events.add("dreq_sent_removed");
        CmConnector cm = connector(c);
        submit(() -> {
            try {
                cm.disconnect(h);
                done.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Answers a collector's DREQ with a DREP; false when it could not be sent. */
    boolean answer(DisconnectRequest dreq, CollectorSpec c) {
        try {
            framePort.send(dreq.reply(translator.get(), c));
            events.add("dreq_answered");
            return true;
        } catch (IOException e) {
            LOG.warn("translator {}: could not answer a DREQ from {}: {}", translator.get().name(), c.describe(), e.getMessage());
            return false;
        }
    }

    /** A DREQ that names no queue pair of this translator. */
    void ignored() {
        events.add("dreq_ignored");
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
