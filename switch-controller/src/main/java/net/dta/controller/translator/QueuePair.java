package net.dta.controller.translator;

import java.util.concurrent.Future;

import net.dta.controller.Backoff;
import net.dta.controller.cm.ConnectStep;
import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.RemoteQueuePair;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.ControllerSettings;
import net.dta.protocol.catalog.Catalog;

/**
 * The controller's view of one queue pair (translator to one collector). Owned by the session
 * thread ({@link QueuePairConnections}); other threads see {@link Snapshot}s.
 */
final class QueuePair {
    enum State { IDLE, CONNECTING, UP, DOWN, FAILED, SUSPENDED }

    final CollectorSpec collector;
    final Backoff backoff;
    State state = State.IDLE;
    ConnectStep step;
    int remoteQpn = -1;
    Catalog catalog;
    RemoteQueuePair remote;
    /** The last connection's handshake until it is disconnected (a DREQ is owed when it is abandoned). */
    CmConnector.Handshake lastHandshake;
    long bootId;
    String lastError;
    long sinceMillis = System.currentTimeMillis();
    long connects;
    long downs;
    long failures;
    long collectorRestarts;
    /** Connection attempts started; a result of an older attempt is ignored. */
    long attempt;
    Future<?> task;
    Future<?> retry;
    /** A store was added whose tails must be recovered through a fresh connection. */
    boolean reconnectForTails;
    /** When the queue pair last came up (its catalog is from then). */
    long connectedAtMillis;

    QueuePair(CollectorSpec collector, ControllerSettings settings) {
        this.collector = collector;
        this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
    }

    void state(State s) {
        if (state != s) {
            state = s;
            sinceMillis = System.currentTimeMillis();
        }
    }

    /** What status shows of a queue pair, frozen (read on other threads). */
    record Snapshot(CollectorSpec collector, State state, ConnectStep step, int remoteQpn, int startPsn, long bootId,
                    long connects, long downs, long failures, long collectorRestarts, String lastError, long sinceMillis) {
    }

    Snapshot snapshot() {
        return new Snapshot(collector, state, step, remoteQpn, remote == null ? -1 : remote.startPsn(), bootId, connects, downs,
                failures, collectorRestarts, lastError, sinceMillis);
    }

    QpView view() {
        return new QpView(remoteQpn, catalog, state == State.UP);
    }

    void cancelWork() {
        attempt++;
        if (task != null) {
            task.cancel(true);
            task = null;
        }
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }
}
