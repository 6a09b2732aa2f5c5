package net.dta.controller.translator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.ConnectStep;
import net.dta.controller.cm.DisconnectRequest;
import net.dta.controller.cm.RemoteQueuePair;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Deployment;
import net.dta.protocol.Addresses;
import net.dta.deployment.StoreSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.protocol.layout.StoreKind;
import p4.v1.P4RuntimeOuterClass.Entity;

import static net.dta.p4.TranslatorP4Names.REG_LAST_ACKED_PSN;
import static net.dta.p4.TranslatorP4Names.REG_NEXT_PSN;
import static net.dta.p4.TranslatorP4Names.REG_QP_UP;

/**
 * The queue pairs of one translator and their connection state machine (docs/controller.md):
 * IDLE or DOWN or FAILED -> CONNECTING (CM REQ, REP, RTU; table write; catalog READ; table write;
 * Append tail recovery; register write) -> UP, back to DOWN on an error NAK, a probe time-out,
 * {@code dta_qp_up} read as 0 or the collector's DREQ, and to SUSPENDED while the session is gone.
 *
 * <p>All state lives on the session thread (the agent's control thread, as DeviceAgent's rule
 * demands): every method here runs on it (and {@link #suspend} on the closing thread once that
 * thread stopped). The blocking CM exchanges of an attempt run on a worker of {@link CollectorCm},
 * so that a dead collector delays nobody, and come back as events posted to the
 * session thread; an event of an attempt that was cancelled since (session lost, collector
 * removed, a newer attempt) is dropped in one place ({@link #offload}). Other threads read only
 * {@link #snapshots()} and {@link #collectorAt}, published after each change.
 */
final class QueuePairConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuePairConnections.class);

    /** What the connections need of the agent's session (all called on the session thread). */
    interface Session {
        TranslatorSpec spec();

        Deployment deployment();

        boolean primary();

        /** Makes the switch's tables equal to what the deployment and the queue pairs imply. */
        void sync() throws P4RuntimeException;

        void writeRegisters(List<Entity> cells) throws P4RuntimeException;

        /** The switch is unreachable: end the session. */
        void lost(String why);

        /** Runs {@code r} on the session thread. */
        void post(Runnable r);

        /** Runs {@code r} on the session thread after a delay; null when the agent is stopping (nothing will run). */
        ScheduledFuture<?> schedule(Runnable r, long delayMillis);
    }

    /** A blocking CM exchange of one attempt. */
    @FunctionalInterface
    private interface Blocking<T> {
        T run() throws ConnectException, InterruptedException;
    }

    /** A write to the switch during an attempt. */
    @FunctionalInterface
    private interface SwitchWrite {
        void run() throws P4RuntimeException;
    }

    /** One connection attempt: its results count only while the queue pair still runs it. */
    private record Attempt(QueuePair qp, long id, CmConnector cm) {
    }

    private final Session session;
    private final ControllerSettings settings;
    private final P4Entities p4;
    private final CollectorCm cm;
    private final TailRecovery tails;
    private final Map<Integer, QueuePair> queuePairs = new LinkedHashMap<>();
    /** Collectors removed from the deployment while their DREQ exchange runs (their routes stay until it ends). */
    private final Map<Integer, CollectorSpec> leaving = new HashMap<>();
    private volatile List<QueuePair.Snapshot> snapshots = List.of();
    private volatile Map<Integer, Integer> indexByAddress = Map.of();

    QueuePairConnections(Session session, List<CollectorSpec> collectors, ControllerSettings settings, P4Entities p4,
                         CollectorCm cm, TailRecovery tails) {
        this.session = session;
        this.settings = settings;
        this.p4 = p4;
        this.cm = cm;
        this.tails = tails;
        collectors.forEach(c -> queuePairs.put(c.index(), new QueuePair(c, settings)));
        publish();
    }

    // ------------------------------------------------------------------ read by other threads

    /** The queue pairs as status shows them (any thread). */
    List<QueuePair.Snapshot> snapshots() {
        return snapshots;
    }

    /** The collector index of a queue pair's collector at {@code address}, or -1 (any thread). */
    int collectorAt(int address) {
        return indexByAddress.getOrDefault(address, -1);
    }

    private void publish() {
        List<QueuePair.Snapshot> s = new ArrayList<>(queuePairs.size());
        Map<Integer, Integer> a = new HashMap<>();
        for (QueuePair qp : queuePairs.values()) {
            s.add(qp.snapshot());
            a.putIfAbsent(qp.collector.address(), qp.collector.index());
        }
        snapshots = List.copyOf(s);
        indexByAddress = Map.copyOf(a);
    }

    // ------------------------------------------------------------------ the session's program

    /** Collectors removed whose DREQ exchange is not over: the tables keep their routes. */
    List<CollectorSpec> leaving() {
        return List.copyOf(leaving.values());
    }

    /** What the table computation needs of each queue pair. */
    Map<Integer, QpView> views() {
        Map<Integer, QpView> views = new HashMap<>();
        queuePairs.forEach((k, v) -> views.put(k, v.view()));
        return views;
    }

    /** A new incarnation of the pipeline: no queue pair exists on the translator any more. */
    void pipelineReset() {
        for (QueuePair qp : queuePairs.values()) {
            qp.remoteQpn = -1;
            qp.catalog = null;
            if (qp.state == QueuePair.State.UP || qp.state == QueuePair.State.SUSPENDED) {
                qp.state(QueuePair.State.DOWN);
            }
        }
        publish();
    }

    /**
     * This controller just started and the translator kept its pipeline: every queue pair that the
     * switch still runs ({@code dta_qp_up} = 1, an entry naming the collector's QPN) is adopted
     * with the catalog read through a side connection ({@link QueuePairAdoption}), before the first
     * table sync, so the stores' entries stay as they are and no report is dropped. A queue pair
     * that cannot be adopted is connected again as before. Blocks the session thread for the side
     * connections: nothing else can be done before the first sync anyway.
     */
    void adoptLive(Map<Integer, Long> qpUp, IntUnaryOperator liveRemoteQpn) throws InterruptedException {
        String name = session.spec().name();
        for (QueuePair qp : queuePairs.values()) {
            if (qp.state != QueuePair.State.IDLE || qpUp.getOrDefault(qp.collector.index(), 0L) != 1L) {
                continue;
            }
            int remote = liveRemoteQpn.applyAsInt(qp.collector.index());
            if (remote < 0) {
                continue;
            }
            qp.remoteQpn = remote;
            try {
                QueuePairAdoption.Adopted a = cm.adopt(qp.collector);
                qp.catalog = a.catalog();
                qp.bootId = a.bootId();
                qp.connectedAtMillis = System.currentTimeMillis();
                qp.state(QueuePair.State.UP);
                LOG.info("translator {}: adopted the live queue pair to {} (QPN 0x{} -> 0x{}, boot id {}): not re-connected",
                        name, qp.collector.describe(), Integer.toHexString(TranslatorTables.qpnOf(qp.collector)),
                        Integer.toHexString(qp.remoteQpn), java.util.HexFormat.of().toHexDigits(a.bootId()));
            } catch (ConnectException e) {
                qp.remoteQpn = -1;
                LOG.warn("translator {}: cannot adopt the queue pair to {} ({}): connecting it again", name,
                        qp.collector.describe(), e.getMessage());
            }
        }
        publish();
    }

    /**
     * After the session's first sync: keeps each queue pair the translator still runs (not after a
     * fresh pipeline; {@code dta_qp_up} = 1 and its entry names the remote QPN we know) and connects
     * every other one.
     */
    void resume(boolean freshPipeline, Map<Integer, Long> qpUp, IntPredicate entryHoldsRemoteQpn) {
        List<QueuePair> toConnect = new ArrayList<>();
        for (QueuePair qp : queuePairs.values()) {
            boolean keep = !freshPipeline && (qp.state == QueuePair.State.SUSPENDED || qp.state == QueuePair.State.UP)
                    && qp.remoteQpn >= 0 && qpUp.getOrDefault(qp.collector.index(), 0L) == 1L
                    && entryHoldsRemoteQpn.test(qp.collector.index());
            if (keep) {
                qp.state(QueuePair.State.UP);
                LOG.info("translator {}: queue pair to {} still up (QPN 0x{} -> 0x{})", session.spec().name(), qp.collector.describe(),
                        Integer.toHexString(TranslatorTables.qpnOf(qp.collector)), Integer.toHexString(qp.remoteQpn));
            } else {
                toConnect.add(qp);
            }
        }
        toConnect.forEach(qp -> connectIn(qp, 0));
        publish();
    }

    /** The collectors this translator has queue pairs to. */
    List<CollectorSpec> collectors() {
        return queuePairs.values().stream().map(qp -> qp.collector).toList();
    }

    /** The remote QPN this controller knows for a collector's queue pair, or -1. */
    int remoteQpn(int collectorIndex) {
        QueuePair qp = queuePairs.get(collectorIndex);
        return qp == null ? -1 : qp.remoteQpn;
    }

    /** The session ended or another controller is primary: stop every attempt; what was up is suspended. */
    void suspend() {
        for (QueuePair qp : queuePairs.values()) {
            qp.cancelWork();
            if (qp.state == QueuePair.State.UP) {
                qp.state(QueuePair.State.SUSPENDED);
            } else if (qp.state == QueuePair.State.CONNECTING || qp.state == QueuePair.State.FAILED) {
                qp.state(QueuePair.State.IDLE);
            }
        }
        publish();
    }

    // ------------------------------------------------------------------ one connection attempt

    /** Starts an attempt now or after a delay (as primary only: a backup writes nothing). */
    private void connectIn(QueuePair qp, long delayMillis) {
        qp.cancelWork();
        if (!session.primary()) {
            return;
        }
        if (delayMillis > 0) {
            qp.retry = session.schedule(() -> {
                if (queuePairs.get(qp.collector.index()) == qp) {
                    connectIn(qp, 0);
                    publish();
                }
            }, delayMillis);
            return;
        }
        CollectorSpec c = qp.collector;
        qp.state(QueuePair.State.CONNECTING);
        qp.step = ConnectStep.CM_REQ;
        Attempt a = new Attempt(qp, qp.attempt, cm.connector(c));
        if (!write(a, () -> session.writeRegisters(List.of(p4.register(REG_QP_UP, c.index(), 0))))) {
            return;
        }
        CmConnector.Handshake abandoned = qp.lastHandshake;
        qp.lastHandshake = null;
        offload(a, () -> {
            if (abandoned != null) {
                cm.disconnectAbandoned(c, abandoned);
            }
            CmConnector.Handshake h = a.cm().handshake();
            // From now on a DREQ is owed if this connection is abandoned, whatever becomes of the attempt.
            session.post(() -> qp.lastHandshake = h);
            return h;
        }, this::handshaken);
    }

    private void handshaken(Attempt a, CmConnector.Handshake h) {
        QueuePair qp = a.qp();
        if (qp.bootId != 0 && qp.bootId != h.reply().bootId()) {
            qp.collectorRestarts++;
            LOG.info("translator {}: {} restarted (new boot id {})", session.spec().name(), qp.collector.describe(),
                    java.util.HexFormat.of().toHexDigits(h.reply().bootId()));
        }
        qp.bootId = h.reply().bootId();
        qp.remoteQpn = h.remoteQpn();
        qp.catalog = null;
        qp.step = ConnectStep.TABLE_WRITE;
        // The queue pair entry first (dta_qp_up still 0), so that READ responses reach us as read_response.
        if (!write(a, session::sync)) {
            return;
        }
        qp.step = ConnectStep.CATALOG_READ;
        offload(a, () -> a.cm().readCatalog(h), this::catalogRead);
    }

    private void catalogRead(Attempt a, RemoteQueuePair r) {
        QueuePair qp = a.qp();
        qp.catalog = r.catalog();
        qp.remote = r;
        qp.step = ConnectStep.TABLE_WRITE;
        if (!write(a, session::sync)) {
            return;
        }
        qp.step = ConnectStep.TAIL_RECOVERY;
        List<TailRecovery.Rings> plan = tails.plan(session.deployment(), qp.collector, r.catalog());
        offload(a, () -> TailRecovery.read(plan, a.cm(), p4), this::tailsRead);
    }

    private void tailsRead(Attempt a, TailRecovery.Recovered recovered) {
        QueuePair qp = a.qp();
        CollectorSpec c = qp.collector;
        qp.step = ConnectStep.TABLE_WRITE;
        int next = a.cm().nextPsn();
        List<Entity> cells = new ArrayList<>(recovered.cells());
        cells.add(p4.register(REG_NEXT_PSN, c.index(), next));
        cells.add(p4.register(REG_LAST_ACKED_PSN, c.index(), (next - 1) & 0xFF_FFFF));
        if (!write(a, () -> session.writeRegisters(cells))) {
            return;
        }
        tails.written(recovered, c);
        for (TailRecovery.Rings rings : recovered.rings()) {
            LOG.info("translator {}: recovered {} tail(s) of Append store {} from {} (tail registers from {})", session.spec().name(),
                    rings.lists().size(), rings.store().name(), c.describe(), rings.base());
        }
        if (!write(a, () -> session.writeRegisters(List.of(p4.register(REG_QP_UP, c.index(), 1))))) {
            return;
        }
        qp.state(QueuePair.State.UP);
        qp.step = null;
        qp.lastError = null;
        qp.connects++;
        qp.reconnectForTails = false;
        qp.connectedAtMillis = System.currentTimeMillis();
        qp.backoff.reset();
        if (!write(a, session::sync)) {
            return;
        }
        RemoteQueuePair r = qp.remote;
        LOG.info("translator {}: queue pair to {} up: QPN 0x{} -> 0x{}, next PSN 0x{}, boot id {}, {} store(s) from its catalog",
                session.spec().name(), c.describe(), Integer.toHexString(r.translatorQpn()), Integer.toHexString(r.remoteQpn()),
                Integer.toHexString(next), java.util.HexFormat.of().toHexDigits(r.reply().bootId()), storesOf(c).size());
    }

    /**
     * Runs a blocking step of an attempt on a worker; its result, or its failure, comes back to the
     * session thread, where it counts only while the attempt is still the queue pair's.
     */
    private <T> void offload(Attempt a, Blocking<T> work, BiConsumer<Attempt, T> then) {
        a.qp().task = cm.submit(() -> {
            Runnable event;
            try {
                T result = work.run();
                event = () -> then.accept(a, result);
            } catch (ConnectException e) {
                String why = ModeMismatch.explain(a.qp().collector, e); // may ask the collector's admin endpoint: blocking
                event = () -> failed(a, e.step(), why, e.permanent(), e.retryAfterMillis());
            } catch (InterruptedException e) {
                return; // the attempt was cancelled (session lost, collector removed)
            } catch (RuntimeException e) {
                LOG.error("translator {}: connecting {} failed unexpectedly", session.spec().name(), a.qp().collector.describe(), e);
                event = () -> failed(a, ConnectStep.TABLE_WRITE, a.qp().collector.describe() + ": " + e, false, -1);
            }
            Runnable onSession = event;
            session.post(() -> {
                if (a.id() == a.qp().attempt && queuePairs.get(a.qp().collector.index()) == a.qp()) {
                    onSession.run();
                    publish();
                }
            });
        });
    }

    /** A write to the switch within an attempt; false (the attempt failed, or the session is lost) when it failed. */
    private boolean write(Attempt a, SwitchWrite w) {
        try {
            w.run();
            return true;
        } catch (P4RuntimeException e) {
            QueuePair qp = a.qp();
            ConnectStep s = qp.step == null ? ConnectStep.TABLE_WRITE : qp.step;
            failed(a, s, qp.collector.describe() + ": " + s.label() + ": " + e.getMessage(), false, -1);
            if (e.unreachable()) {
                session.lost(e.getMessage());
            }
            return false;
        }
    }

    private void failed(Attempt a, ConnectStep step, String message, boolean permanent, long retryAfterMillis) {
        QueuePair qp = a.qp();
        List<String> stores = storesOf(qp.collector);
        String full = message + (stores.isEmpty() ? "" : " [" + (stores.size() == 1 ? "store " : "stores ") + String.join(", ", stores)
                + (stores.size() == 1 ? " has" : " have") + " no shard on " + qp.collector.name()
                + " until it connects; the other collectors keep working]");
        qp.state(QueuePair.State.FAILED);
        qp.step = step;
        qp.lastError = full;
        qp.failures++;
        long delay = permanent ? qp.backoff.maxDelayMillis() : qp.backoff.nextDelayMillis();
        if (retryAfterMillis >= 0) {
            delay = Math.min(delay, retryAfterMillis);
        }
        LOG.warn("translator {}: {}; retrying in {} ms", session.spec().name(), full, delay);
        connectIn(qp, delay);
    }

    /** Names of the deployment's stores with a shard on a collector. */
    List<String> storesOf(CollectorSpec c) {
        return session.deployment().storesOn(c).stream().map(StoreSpec::name).toList();
    }

    // ------------------------------------------------------------------ events

    /** A queue pair the translator reports down, or that we found down: reconnect it. */
    void down(int collectorIndex, String why) {
        QueuePair qp = queuePairs.get(collectorIndex);
        if (qp == null || qp.state != QueuePair.State.UP) {
            return;
        }
        qp.state(QueuePair.State.DOWN);
        qp.downs++;
        qp.lastError = why;
        long delay = qp.backoff.nextDelayMillis();
        LOG.warn("translator {}: queue pair to {} down: {}; reconnecting in {} ms", session.spec().name(), qp.collector.describe(),
                why, delay);
        connectIn(qp, delay);
        publish();
    }

    /**
     * After a poll: each queue pair that is up but that the translator holds down ({@code dta_qp_up}
     * read as 0 by a read that started after it came up), that must recover the tails of a new
     * Append store, or whose catalog lacks a store the deployment puts there, is reconnected.
     */
    void check(TranslatorCounters c, long readStartedMillis) {
        List<Integer> down = new ArrayList<>();
        List<Integer> tailsNeeded = new ArrayList<>();
        List<Integer> stale = new ArrayList<>();
        for (QueuePair qp : queuePairs.values()) {
            if (qp.state != QueuePair.State.UP) {
                continue;
            }
            if (c.qpUp()[qp.collector.index()] == 0 && readStartedMillis > qp.sinceMillis) {
                down.add(qp.collector.index());
            } else if (qp.reconnectForTails) {
                tailsNeeded.add(qp.collector.index());
            } else if (lacksStores(qp) && System.currentTimeMillis() - qp.connectedAtMillis > settings.maxBackoff().toMillis()) {
                stale.add(qp.collector.index());
            }
        }
        down.forEach(i -> down(i, "dta_qp_up read as 0 (the translator took it down: an error NAK or 3 unanswered probes)"));
        tailsNeeded.forEach(i -> down(i, "re-connecting to recover the tails of a new Append store"));
        stale.forEach(i -> down(i, "re-connecting to read the catalog again: it lacks a store the deployment puts there"));
    }

    /**
     * The collector's catalog (read when the queue pair came up) lacks a store the deployment puts
     * on it: the collector may have gained it since (a restart that kept its queue pairs).
     */
    private boolean lacksStores(QueuePair qp) {
        if (qp.catalog == null) {
            return false;
        }
        for (StoreSpec s : session.deployment().storesOn(qp.collector)) {
            if (qp.catalog.entries().stream().noneMatch(e -> e.definition().storeId() == s.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A collector announced its start (docs/reliability.md "Announcements"). Its queue pair is kept
     * when the collector holds it (restored: {@code held} maps this translator's QPN to the collector's
     * QPN); otherwise it is connected now, whatever its back-off. {@code processCm}: the collector's CM
     * state lives in its process (software responder), so a connection it does not list is unknown to
     * it and needs no DREQ. Returns how many queue pairs were (re)connected.
     */
    int announced(int address, long bootId, Map<Integer, Integer> held, boolean processCm) {
        String name = session.spec().name();
        List<QueuePair> now = new ArrayList<>();
        for (QueuePair qp : queuePairs.values()) {
            if (qp.collector.address() != address) {
                continue;
            }
            Integer theirs = held.get(TranslatorTables.qpnOf(qp.collector));
            boolean holds = theirs != null && theirs == qp.remoteQpn;
            if (qp.state == QueuePair.State.UP && qp.bootId == bootId) {
                continue; // connected to this very run already: the announcement is older than that connection
            }
            if (qp.state == QueuePair.State.UP && holds) {
                if (qp.bootId != 0 && qp.bootId != bootId) {
                    qp.collectorRestarts++;
                    qp.bootId = bootId;
                    LOG.info("translator {}: {} restarted (boot id {}) and restored queue pair 0x{}: kept", name,
                            qp.collector.describe(), java.util.HexFormat.of().toHexDigits(bootId), Integer.toHexString(qp.remoteQpn));
                }
                continue;
            }
            boolean waiting = qp.state == QueuePair.State.DOWN || qp.state == QueuePair.State.FAILED
                    || (qp.state == QueuePair.State.CONNECTING && qp.step == ConnectStep.CM_REQ);
            if (qp.state == QueuePair.State.UP) {
                qp.state(QueuePair.State.DOWN);
                qp.downs++;
                qp.lastError = "the collector restarted (boot id " + java.util.HexFormat.of().toHexDigits(bootId) + ") without this queue pair";
            } else if (!waiting) {
                continue; // no session (the session's start connects it), or an attempt past its REP
            }
            if (processCm && !holds) {
                qp.lastHandshake = null; // the collector's process does not know that connection: no DREQ owed
            }
            qp.backoff.reset();
            now.add(qp);
        }
        for (QueuePair qp : now) {
            LOG.info("translator {}: {} announced a start (boot id {}): connecting its queue pair now", name,
                    qp.collector.describe(), java.util.HexFormat.of().toHexDigits(bootId));
            connectIn(qp, 0);
        }
        publish();
        return now.size();
    }

    /**
     * A collector's DREQ (protocol.md 7.1): answered when it names this translator's queue pair
     * to that collector (also an old connection of it, which Linux keeps and sends DREQs for until
     * answered, rejecting new REQs with REJ 10 meanwhile); a DREQ for the connection that is up
     * also takes the queue pair down for a reconnect. Anything else is ignored and counted.
     */
    void disconnectRequested(DisconnectRequest dreq) {
        String name = session.spec().name();
        QueuePair qp = queuePairs.values().stream().filter(q -> q.collector.address() == dreq.sourceIp()).findFirst().orElse(null);
        if (qp == null || dreq.translatorQpn() != TranslatorTables.qpnOf(qp.collector)) {
            cm.ignored();
            LOG.warn("translator {}: ignored a DREQ from {} for QPN 0x{}: not a queue pair of this translator to that collector",
                    name, Addresses.formatIpv4(dreq.sourceIp()), Integer.toHexString(dreq.translatorQpn()));
            return;
        }
        if (!cm.answer(dreq, qp.collector)) {
            return;
        }
        // An adopted queue pair (remote unknown: a previous controller connected it) is the one up.
        boolean current = qp.state == QueuePair.State.UP && (qp.remote == null || (qp.remote.remoteCommId() == dreq.theirCommId()
                && qp.remote.localCommId() == dreq.ourCommId()));
        if (current) {
            qp.lastHandshake = null; // it is disconnected now: nothing to DREQ later
            LOG.warn("translator {}: {} disconnected the queue pair (DREQ answered with DREP); reconnecting",
                    name, qp.collector.describe());
            down(qp.collector.index(), "the collector disconnected it (DREQ)");
        } else {
            LOG.info("translator {}: answered a DREQ from {} for an earlier connection (communication id 0x{}), so that it "
                    + "drops it and accepts new REQs (no REJ 10, stale connection)", name, qp.collector.describe(),
                    Integer.toHexString(dreq.ourCommId()));
        }
    }

    // ------------------------------------------------------------------ live changes

    /**
     * Applies the queue-pair side of a changed deployment: removed collectors are disconnected
     * (their queue pair turned off, a DREQ sent), added ones get a queue pair (connected by
     * {@link #connectAdded} after the tables are synced); an up queue pair that must recover the
     * tails of a new Append store is marked for a reconnect.
     */
    List<QueuePair> apply(DeploymentChange change) {
        for (CollectorSpec c : change.removed()) {
            QueuePair qp = queuePairs.remove(c.index());
            qp.cancelWork();
            LOG.info("translator {}: {} removed from the deployment: disconnecting", session.spec().name(), c.describe());
            disconnect(qp);
        }
        List<QueuePair> added = new ArrayList<>();
        for (CollectorSpec c : change.added()) {
            QueuePair qp = new QueuePair(c, settings);
            queuePairs.put(c.index(), qp);
            added.add(qp);
        }
        change.tailsDropped().forEach(tails::release);
        for (StoreSpec s : change.storesAdded()) {
            for (CollectorSpec c : session.deployment().collectorsOf(s)) {
                QueuePair qp = queuePairs.get(c.index());
                if (qp != null && qp.state == QueuePair.State.UP && !tails.ready(s.id(), c.index()) && qp.catalog != null
                        && qp.catalog.entries().stream().anyMatch(e -> e.definition().storeId() == s.id()
                        && e.definition().kind() == StoreKind.APPEND)) {
                    qp.reconnectForTails = true;
                }
            }
        }
        publish();
        return added;
    }

    /** Connects the queue pairs {@link #apply} added (as primary only). */
    void connectAdded(List<QueuePair> added) {
        for (QueuePair qp : added) {
            LOG.info("translator {}: {} added to the deployment: connecting", session.spec().name(), qp.collector.describe());
            if (session.primary()) {
                connectIn(qp, 0);
            }
        }
        publish();
    }

    private void disconnect(QueuePair qp) {
        if (!session.primary()) {
            return;
        }
        try {
            session.writeRegisters(List.of(p4.register(REG_QP_UP, qp.collector.index(), 0)));
        } catch (P4RuntimeException e) {
            LOG.warn("translator {}: could not turn the queue pair to {} off: {}", session.spec().name(), qp.collector.describe(),
                    e.getMessage());
        }
        CmConnector.Handshake h = qp.lastHandshake;
        qp.lastHandshake = null;
        if (h != null) {
            CollectorSpec c = qp.collector;
            leaving.put(c.index(), c);
            cm.disconnectRemoved(c, h, () -> session.post(() -> {
                if (leaving.remove(c.index(), c)) {
                    try {
                        session.sync();
                    } catch (P4RuntimeException e) {
                        LOG.warn("translator {}: removing the route to {} after its DREQ: {}", session.spec().name(), c.describe(),
                                e.getMessage());
                    }
                }
            }));
        }
    }

    @Override
    public void close() {
        cm.close();
    }
}
