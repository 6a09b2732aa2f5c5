package net.dta.controller.translator;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import net.dta.controller.DeviceAgent;
import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.ConnectStep;
import net.dta.controller.cm.DisconnectRequest;
import net.dta.controller.cm.FramePort;
import net.dta.controller.cm.FrameRouter;
import net.dta.controller.cm.RemoteQueuePair;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.TableSync;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.controller.p4runtime.WriteClient;
import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.BucketMap;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Deployment;
import net.dta.deployment.Ipv4s;
import net.dta.deployment.StoreSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.p4.P4InfoFiles;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.store.AppendStore;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Update;

import static net.dta.p4.TranslatorP4Names.*;

/**
 * Controls one translator (docs/controller.md): as its primary, installs the pipeline and keeps
 * its tables equal to what the deployment and the connected queue pairs imply; connects one queue
 * pair per collector through RDMA CM on the translator's behalf (REQ, REP, RTU, catalog READ, tail
 * recovery of Append rings), writes the queue pair's registers and turns it on; reconnects queue
 * pairs that go down (error NAK, probe time-out, {@code dta_qp_up} read as 0, a new boot id);
 * starts over when the translator restarts (its pipeline is gone); applies a changed deployment
 * without restarting anything that did not change.
 *
 * <p>Threads: session work and polling on the agent's control thread; each connection attempt on a
 * worker of its own, so that a dead collector delays nobody; table writes are serialised by the
 * agent's lock (one {@link #sync} at a time).
 */
public final class TranslatorAgent extends DeviceAgent {
    /** Replaced by {@link #update} when only routes, settings, ports or the collector list changed. */
    private volatile TranslatorSpec spec;
    private final TranslatorTables tables;
    private final FrameRouter router = new FrameRouter();
    private final ExecutorService workers;
    private final SecureRandom random = new SecureRandom();
    private final FramePort framePort;

    // Guarded by this.
    private Deployment deployment;
    private final Map<Integer, QueuePair> queuePairs = new LinkedHashMap<>();
    private final TableSync tableSync;
    private final TailAllocator tails = new TailAllocator();
    /** (store id << 8 | collector index) whose tails are recovered or live on the translator. */
    private final Set<Long> tailsReady = new HashSet<>();
    private TranslatorTables.Desired desired;
    private long registerWrites;
    private TranslatorCounters counters;
    private String pollError;

    private final AtomicLongArray packetIns = new AtomicLongArray(8);
    private final AtomicLong packetOuts = new AtomicLong();
    private final AtomicLong arpReplies = new AtomicLong();
    private final CmEvents cmEvents = new CmEvents();

    public TranslatorAgent(TranslatorSpec spec, Deployment deployment, ControllerSettings settings) throws IOException {
        super("translator", spec.device(), settings,
                loadP4Info(spec.device(), P4InfoFiles.TRANSLATOR_TNA, P4InfoFiles.TRANSLATOR_V1MODEL));
        this.spec = spec;
        this.deployment = deployment;
        this.tables = new TranslatorTables(p4);
        this.tableSync = new TableSync(device, TranslatorTables.TABLE_ORDER);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dta-cm-" + spec.name());
            t.setDaemon(true);
            return t;
        });
        this.framePort = frame -> {
            try {
                device.stream().send(p4.packetOut(frame, Map.of(M_EGRESS_PORT, 0L)));
                packetOuts.incrementAndGet();
            } catch (P4RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
        for (CollectorSpec c : deployment.collectorsOf(spec)) {
            queuePairs.put(c.index(), new QueuePair(c, settings));
        }
    }

    public TranslatorSpec spec() {
        return spec;
    }

    // ------------------------------------------------------------------ programming

    @Override
    protected void program(boolean freshPipeline) throws P4RuntimeException, InterruptedException {
        long g = generation();
        Map<Integer, Long> qpUp = Map.of();
        synchronized (this) {
            if (freshPipeline) {
                // A new incarnation: no table entries, no tails, no queue pairs.
                tableSync.clear();
                tails.clear();
                tailsReady.clear();
                for (QueuePair qp : queuePairs.values()) {
                    qp.remoteQpn = -1;
                    qp.catalog = null;
                    if (qp.state == QueuePair.State.UP || qp.state == QueuePair.State.SUSPENDED) {
                        qp.state(QueuePair.State.DOWN);
                    }
                }
            }
        }
        if (!freshPipeline) {
            synchronized (this) {
                tableSync.load();
            }
            seedFromSwitch();
            qpUp = readQpUp();
            adoptLiveQueuePairs(qpUp);
        }
        device.writer().apply(List.of(WriteClient.update(Update.Type.INSERT,
                P4Entities.cloneSession(LOOP_CLONE_SESSION, spec.recirculationPort()))));
        sync();
        List<QueuePair> toConnect = new ArrayList<>();
        synchronized (this) {
            for (QueuePair qp : queuePairs.values()) {
                boolean keep = !freshPipeline && (qp.state == QueuePair.State.SUSPENDED || qp.state == QueuePair.State.UP)
                        && qp.remoteQpn >= 0
                        && qpUp.getOrDefault(qp.collector.index(), 0L) == 1L && holdsQueuePair(qp);
                if (keep) {
                    qp.state(QueuePair.State.UP);
                    log.info("translator {}: queue pair to {} still up (QPN 0x{} -> 0x{})", spec.name(), qp.collector.describe(),
                            Integer.toHexString(TranslatorTables.qpnOf(qp.collector)), Integer.toHexString(qp.remoteQpn));
                } else {
                    toConnect.add(qp);
                }
            }
        }
        for (QueuePair qp : toConnect) {
            startConnect(qp, g, 0);
        }
    }

    /**
     * This controller just started and the translator kept its pipeline: every queue pair that the
     * switch still runs ({@code dta_qp_up} = 1, an entry naming the collector's QPN) is adopted
     * with the catalog read through a side connection ({@link QueuePairAdoption}), before the first
     * table sync, so the stores' entries stay as they are and no report is dropped. A queue pair
     * that cannot be adopted is connected again as before.
     */
    private void adoptLiveQueuePairs(Map<Integer, Long> qpUp) throws InterruptedException {
        List<QueuePair> candidates = new ArrayList<>();
        synchronized (this) {
            for (QueuePair qp : queuePairs.values()) {
                if (qp.state == QueuePair.State.IDLE && qpUp.getOrDefault(qp.collector.index(), 0L) == 1L) {
                    int remote = liveRemoteQpn(qp.collector);
                    if (remote >= 0) {
                        qp.remoteQpn = remote;
                        candidates.add(qp);
                    }
                }
            }
        }
        for (QueuePair qp : candidates) {
            try {
                QueuePairAdoption.Adopted a = QueuePairAdoption.readCatalog(spec, qp.collector, framePort, router, settings, random);
                synchronized (this) {
                    qp.catalog = a.catalog();
                    qp.bootId = a.bootId();
                    qp.connectedAtMillis = System.currentTimeMillis();
                    qp.state(QueuePair.State.UP);
                }
                cmEvents.add("queue_pair_adopted");
                log.info("translator {}: adopted the live queue pair to {} (QPN 0x{} -> 0x{}, boot id {}): not re-connected",
                        spec.name(), qp.collector.describe(), Integer.toHexString(TranslatorTables.qpnOf(qp.collector)),
                        Integer.toHexString(qp.remoteQpn), Long.toHexString(a.bootId()));
            } catch (ConnectException e) {
                synchronized (this) {
                    qp.remoteQpn = -1;
                }
                log.warn("translator {}: cannot adopt the queue pair to {} ({}): connecting it again", spec.name(),
                        qp.collector.describe(), e.getMessage());
            }
        }
    }

    /** The remote QPN of the switch's queue pair entry for a collector, or -1. */
    private synchronized int liveRemoteQpn(CollectorSpec c) {
        for (TableEntry e : tableSync.entries().values()) {
            if (e.getTableId() == p4.tableId(QUEUE_PAIRS) && p4.match(e, QUEUE_PAIRS, F_COLLECTOR) == c.index()) {
                return (int) p4.param(e, SET_QUEUE_PAIR, P_REMOTE_QPN);
            }
        }
        return -1;
    }

    /** The switch's queue pair entry names the remote QPN we know. */
    private boolean holdsQueuePair(QueuePair qp) {
        for (TableEntry e : tableSync.entries().values()) {
            if (e.getTableId() == p4.tableId(QUEUE_PAIRS) && p4.match(e, QUEUE_PAIRS, F_COLLECTOR) == qp.collector.index()) {
                return p4.param(e, SET_QUEUE_PAIR, P_REMOTE_QPN) == qp.remoteQpn;
            }
        }
        return false;
    }

    /**
     * A translator that kept running while the controller was away holds live Append tails: adopt
     * the tail bases it uses and never overwrite those tails with recovered ones.
     */
    private synchronized void seedFromSwitch() {
        int storesTable = p4.tableId(STORES);
        for (TableEntry e : tableSync.entries().values()) {
            if (e.getTableId() != storesTable || !p4.hasAction(e, SET_APPEND_STORE)) {
                continue;
            }
            int id = (int) p4.match(e, STORES, F_STORE_ID);
            int base = (int) p4.param(e, SET_APPEND_STORE, P_TAIL_BASE);
            int lists = (int) p4.param(e, SET_APPEND_STORE, P_LISTS);
            StoreSpec s = deployment.storeById(id).orElse(null);
            if (s == null || (s.tailBase() != null && s.tailBase() != base) || !tails.fix(id, base, lists)) {
                continue;
            }
            for (CollectorSpec c : deployment.collectorsOf(s)) {
                tailsReady.add(tailKey(id, c.index()));
            }
        }
    }

    private Map<Integer, Long> readQpUp() throws P4RuntimeException {
        Map<Integer, Long> out = new HashMap<>();
        int id = p4.index().registerId(REG_QP_UP);
        for (Entity e : registers.read(List.of(p4.registerQuery(REG_QP_UP, -1)))) {
            if (e.hasRegisterEntry() && e.getRegisterEntry().getRegisterId() == id) {
                out.put((int) e.getRegisterEntry().getIndex().getIndex(),
                        net.dta.controller.p4runtime.Values.decode(e.getRegisterEntry().getData().getBitstring()));
            }
        }
        return out;
    }

    private static long tailKey(int storeId, int collector) {
        return (long) storeId << 8 | collector;
    }

    /**
     * Makes the switch's tables equal to what the deployment and the queue pairs imply: deletes
     * first (stores before what they use), then additions and changes table by table (a store after
     * its regions and bucket map). One caller at a time.
     */
    private synchronized void sync() throws P4RuntimeException {
        if (!primary()) {
            return;
        }
        Map<Integer, QpView> views = new HashMap<>();
        queuePairs.forEach((k, v) -> views.put(k, v.view()));
        desired = tables.compute(spec, deployment, views, tails, (store, collector) -> tailsReady.contains(tailKey(store, collector)));
        try {
            tableSync.apply(desired.entries());
        } catch (P4RuntimeException e) {
            recordError(e.getMessage());
            throw e;
        }
    }

    private void writeRegisters(List<Entity> cells) throws P4RuntimeException {
        registers.write(cells);
        synchronized (this) {
            registerWrites++;
        }
    }

    // ------------------------------------------------------------------ queue pairs

    private void startConnect(QueuePair qp, long g, long delayMillis) {
        synchronized (this) {
            if (!current(g) || queuePairs.get(qp.collector.index()) != qp) {
                return;
            }
            qp.cancelWork();
            long attempt = qp.attempt;
            if (delayMillis <= 0) {
                qp.state(QueuePair.State.CONNECTING);
                qp.step = ConnectStep.CM_REQ;
                qp.task = workers.submit(() -> connect(qp, g, attempt));
            } else {
                qp.retry = control.schedule(() -> startConnect(qp, g, 0), delayMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized boolean stale(QueuePair qp, long g, long attempt) {
        return !current(g) || qp.attempt != attempt || queuePairs.get(qp.collector.index()) != qp;
    }

    private synchronized void step(QueuePair qp, ConnectStep step) {
        qp.step = step;
    }

    /** One connection attempt (worker thread). */
    private void connect(QueuePair qp, long g, long attempt) {
        CollectorSpec c = qp.collector;
        FrameRouter.Inbox inbox = router.open(c.address());
        try {
            writeRegisters(List.of(p4.register(REG_QP_UP, c.index(), 0)));
            CmConnector cm = new CmConnector(spec, c, framePort, inbox, settings.cmTimeout(), settings.cmRetries(), random,
                    settings.cmSecret());
            disconnectAbandoned(qp, c);
            CmConnector.Handshake h = cm.handshake();
            synchronized (this) {
                qp.lastHandshake = h; // from now on a DREQ is owed if this connection is abandoned
            }
            boolean restarted;
            synchronized (this) {
                if (stale(qp, g, attempt)) {
                    return;
                }
                restarted = qp.bootId != 0 && qp.bootId != h.reply().bootId();
                if (restarted) {
                    qp.collectorRestarts++;
                }
                qp.bootId = h.reply().bootId();
                qp.remoteQpn = h.remoteQpn();
                qp.catalog = null;
                qp.step = ConnectStep.TABLE_WRITE;
            }
            if (restarted) {
                log.info("translator {}: {} restarted (new boot id {})", spec.name(), c.describe(), Long.toHexString(h.reply().bootId()));
            }
            // The queue pair entry first (dta_qp_up still 0), so that READ responses reach us as read_response.
            sync();
            step(qp, ConnectStep.CATALOG_READ);
            RemoteQueuePair r = cm.readCatalog(h);
            synchronized (this) {
                if (stale(qp, g, attempt)) {
                    return;
                }
                qp.catalog = r.catalog();
                qp.remote = r;
                qp.step = ConnectStep.TABLE_WRITE;
            }
            sync();
            step(qp, ConnectStep.TAIL_RECOVERY);
            List<Entity> tailCells = recoverTails(qp, cm, r);
            step(qp, ConnectStep.TABLE_WRITE);
            int next = cm.nextPsn();
            List<Entity> cells = new ArrayList<>(tailCells);
            cells.add(p4.register(REG_NEXT_PSN, c.index(), next));
            cells.add(p4.register(REG_LAST_ACKED_PSN, c.index(), (next - 1) & 0xFF_FFFF));
            writeRegisters(cells);
            synchronized (this) {
                if (stale(qp, g, attempt)) {
                    return;
                }
            }
            writeRegisters(List.of(p4.register(REG_QP_UP, c.index(), 1)));
            int storeCount;
            synchronized (this) {
                qp.state(QueuePair.State.UP);
                qp.step = null;
                qp.lastError = null;
                qp.connects++;
                qp.reconnectForTails = false;
                qp.connectedAtMillis = System.currentTimeMillis();
                qp.backoff.reset();
                storeCount = storesOf(c).size();
            }
            sync();
            log.info("translator {}: queue pair to {} up: QPN 0x{} -> 0x{}, next PSN 0x{}, boot id {}, {} store(s) from its catalog",
                    spec.name(), c.describe(), Integer.toHexString(r.translatorQpn()), Integer.toHexString(r.remoteQpn()),
                    Integer.toHexString(next), Long.toHexString(r.reply().bootId()), storeCount);
        } catch (ConnectException e) {
            failed(qp, g, attempt, e.step(), ModeMismatch.explain(c, e), e.permanent());
        } catch (P4RuntimeException e) {
            ConnectStep s;
            synchronized (this) {
                s = qp.step == null ? ConnectStep.TABLE_WRITE : qp.step;
            }
            failed(qp, g, attempt, s, c.describe() + ": " + s.label() + ": " + e.getMessage(), false);
            if (e.unreachable()) {
                lostFromAnyThread(g, e.getMessage());
            }
        } catch (InterruptedException e) {
            // The attempt was cancelled (session lost, collector removed).
        } catch (RuntimeException e) {
            log.error("translator {}: connecting {} failed unexpectedly", spec.name(), c.describe(), e);
            failed(qp, g, attempt, ConnectStep.TABLE_WRITE, c.describe() + ": " + e, false);
        }
    }

    /**
     * Sends a DREQ for the connection this queue pair had before (it went down, or an attempt failed
     * after the REP), so that the collector drops it: Linux would otherwise keep it and reject the
     * new REQ from the same QPN with REJ 10 (stale connection) for ~90 s (protocol.md 7.1). Two
     * tries, short: a collector that restarted does not know the connection and stays silent.
     */
    private void disconnectAbandoned(QueuePair qp, CollectorSpec c) throws InterruptedException {
        CmConnector.Handshake old;
        synchronized (this) {
            old = qp.lastHandshake;
            qp.lastHandshake = null;
        }
        if (old == null) {
            return;
        }
        cmEvents.add("dreq_sent_abandoned");
        CmConnector dc = new CmConnector(spec, c, framePort, router.open(c.address()), settings.cmTimeout(), 1, random, settings.cmSecret());
        boolean answered = dc.disconnect(old);
        cmEvents.add(answered ? "drep_received_abandoned" : "drep_missing_abandoned");
        log.info("translator {}: {} the abandoned connection to {} (collector QPN 0x{}, communication id 0x{}) before "
                + "connecting again", spec.name(), answered ? "disconnected (DREQ, DREP)" : "sent DREQs, no DREP (collector "
                + "restarted?), for", c.describe(), Integer.toHexString(old.remoteQpn()), Integer.toHexString(old.localCommId()));
    }

    private void failed(QueuePair qp, long g, long attempt, ConnectStep step, String message, boolean permanent) {
        long delay;
        String full;
        synchronized (this) {
            if (stale(qp, g, attempt)) {
                return;
            }
            List<String> stores = storesOf(qp.collector);
            full = message + (stores.isEmpty() ? "" : " [" + (stores.size() == 1 ? "store " : "stores ") + String.join(", ", stores)
                    + (stores.size() == 1 ? " has" : " have") + " no shard on " + qp.collector.name()
                    + " until it connects; the other collectors keep working]");
            qp.state(QueuePair.State.FAILED);
            qp.step = step;
            qp.lastError = full;
            qp.failures++;
            delay = permanent ? qp.backoff.maxDelayMillis() : qp.backoff.nextDelayMillis();
        }
        log.warn("translator {}: {}; retrying in {} ms", spec.name(), full, delay);
        startConnect(qp, g, delay);
    }

    /** Names of the deployment's stores with a shard on a collector. */
    private List<String> storesOf(CollectorSpec c) {
        return deployment.storesOn(c).stream().map(StoreSpec::name).toList();
    }

    /**
     * Before an Append store's lists on this collector carry traffic from a translator that lost
     * (or never had) their tails, reads each list's ring through the queue pair and sets the tail to
     * the newest entry's sequence (protocol.md 6.4). Lists whose tails are live are left alone.
     */
    private List<Entity> recoverTails(QueuePair qp, CmConnector cm, RemoteQueuePair r)
            throws ConnectException, InterruptedException {
        CollectorSpec c = qp.collector;
        List<Entity> cells = new ArrayList<>();
        List<StoreSpec> todo = new ArrayList<>();
        Deployment d;
        synchronized (this) {
            d = deployment;
            for (StoreSpec s : d.storesOn(c)) {
                if (!tailsReady.contains(tailKey(s.id(), c.index()))) {
                    todo.add(s);
                }
            }
        }
        for (StoreSpec s : todo) {
            CatalogEntry e = r.catalog().entries().stream().filter(x -> x.definition().storeId() == s.id()).findFirst().orElse(null);
            if (e == null || e.definition().kind() != StoreKind.APPEND) {
                continue;
            }
            AppendLayout layout = (AppendLayout) e.definition().layout();
            int base;
            synchronized (this) {
                base = s.tailBase() != null ? (tails.fix(s.id(), s.tailBase(), layout.lists()) ? s.tailBase() : -1)
                        : tails.allocate(s.id(), layout.lists());
            }
            if (base < 0) {
                continue; // the store's status says why; it stays unprogrammed
            }
            BucketMap map = d.bucketMap(s);
            long ringBytes = layout.entries() * AppendLayout.ENTRY_BYTES;
            int recovered = 0;
            for (int list = 0; list < layout.lists(); list++) {
                if (map.collectorForList(list).index() != c.index()) {
                    continue;
                }
                long offset = layout.entryOffset(list, 0);
                byte[] ring = cm.read(e.va() + offset, e.rkeyFor(offset), ringBytes, ConnectStep.TAIL_RECOVERY);
                long tail = new AppendStore(MemorySegment.ofArray(ring), new AppendLayout(1, layout.log2Entries())).recoverTail(0);
                cells.add(p4.register(REG_APPEND_TAIL, base + list, tail));
                recovered++;
            }
            synchronized (this) {
                tailsReady.add(tailKey(s.id(), c.index()));
            }
            log.info("translator {}: recovered {} tail(s) of Append store {} from {} (tail registers from {})", spec.name(),
                    recovered, s.name(), c.describe(), base);
        }
        return cells;
    }

    /** Whether this translator has a queue pair to a collector at {@code address}. */
    public synchronized boolean collects(int address) {
        return queuePairs.values().stream().anyMatch(q -> q.collector.address() == address);
    }

    /**
     * A collector announced its start (docs/reliability.md "Announcements"). Its queue pair is kept
     * when the collector holds it (restored: {@code held} maps this translator's QPN to the collector's
     * QPN); otherwise it is connected now, whatever its back-off. {@code processCm}: the collector's CM
     * state lives in its process (software responder), so a connection it does not list is unknown to
     * it and needs no DREQ. Returns how many queue pairs were (re)connected.
     */
    public int collectorAnnounced(int address, long bootId, Map<Integer, Integer> held, boolean processCm) {
        long g = generation();
        List<QueuePair> now = new ArrayList<>();
        synchronized (this) {
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
                        log.info("translator {}: {} restarted (boot id {}) and restored queue pair 0x{}: kept", spec.name(),
                                qp.collector.describe(), Long.toHexString(bootId), Integer.toHexString(qp.remoteQpn));
                    }
                    continue;
                }
                boolean waiting = qp.state == QueuePair.State.DOWN || qp.state == QueuePair.State.FAILED
                        || (qp.state == QueuePair.State.CONNECTING && qp.step == ConnectStep.CM_REQ);
                if (qp.state == QueuePair.State.UP) {
                    qp.state(QueuePair.State.DOWN);
                    qp.downs++;
                    qp.lastError = "the collector restarted (boot id " + Long.toHexString(bootId) + ") without this queue pair";
                } else if (!waiting) {
                    continue; // no session (the session's start connects it), or an attempt past its REP
                }
                if (processCm && !holds) {
                    qp.lastHandshake = null; // the collector's process does not know that connection: no DREQ owed
                }
                qp.backoff.reset();
                now.add(qp);
            }
        }
        for (QueuePair qp : now) {
            log.info("translator {}: {} announced a start (boot id {}): connecting its queue pair now", spec.name(),
                    qp.collector.describe(), Long.toHexString(bootId));
            startConnect(qp, g, 0);
        }
        return now.size();
    }

    /** A queue pair the translator reports down, or that we found down: reconnect it. */
    private void queuePairDown(int collectorIndex, String why) {
        long g = generation();
        QueuePair qp;
        long delay;
        synchronized (this) {
            qp = queuePairs.get(collectorIndex);
            if (qp == null || qp.state != QueuePair.State.UP) {
                return;
            }
            qp.state(QueuePair.State.DOWN);
            qp.downs++;
            qp.lastError = why;
            delay = qp.backoff.nextDelayMillis();
        }
        log.warn("translator {}: queue pair to {} down: {}; reconnecting in {} ms", spec.name(), qp.collector.describe(), why, delay);
        startConnect(qp, g, delay);
    }

    /**
     * A collector's DREQ (protocol.md 7.1): answered when it names this translator's queue pair
     * to that collector (also an old connection of it, which Linux keeps and sends DREQs for until
     * answered, rejecting new REQs with REJ 10 meanwhile); a DREQ for the connection that is up
     * also takes the queue pair down for a reconnect. Anything else is ignored and counted.
     */
    private void disconnectRequested(DisconnectRequest dreq) {
        QueuePair qp;
        synchronized (this) {
            qp = queuePairs.values().stream().filter(q -> q.collector.address() == dreq.sourceIp()).findFirst().orElse(null);
        }
        if (qp == null || dreq.translatorQpn() != TranslatorTables.qpnOf(qp.collector)) {
            cmEvents.add("dreq_ignored");
            log.warn("translator {}: ignored a DREQ from {} for QPN 0x{}: not a queue pair of this translator to that collector",
                    spec.name(), Ipv4s.format(dreq.sourceIp()), Integer.toHexString(dreq.translatorQpn()));
            return;
        }
        try {
            framePort.send(dreq.reply(spec, qp.collector));
            cmEvents.add("dreq_answered");
        } catch (IOException e) {
            log.warn("translator {}: could not answer a DREQ from {}: {}", spec.name(), qp.collector.describe(), e.getMessage());
            return;
        }
        boolean current;
        synchronized (this) {
            // An adopted queue pair (remote unknown: a previous controller connected it) is the one up.
            current = qp.state == QueuePair.State.UP && (qp.remote == null || (qp.remote.remoteCommId() == dreq.theirCommId()
                    && qp.remote.localCommId() == dreq.ourCommId()));
            if (current) {
                qp.lastHandshake = null; // it is disconnected now: nothing to DREQ later
            }
        }
        if (current) {
            log.warn("translator {}: {} disconnected the queue pair (DREQ answered with DREP); reconnecting",
                    spec.name(), qp.collector.describe());
            queuePairDown(qp.collector.index(), "the collector disconnected it (DREQ)");
        } else {
            log.info("translator {}: answered a DREQ from {} for an earlier connection (communication id 0x{}), so that it "
                    + "drops it and accepts new REQs (no REJ 10, stale connection)", spec.name(), qp.collector.describe(),
                    Integer.toHexString(dreq.ourCommId()));
        }
    }

    // ------------------------------------------------------------------ session hooks

    @Override
    protected void suspend(String why) {
        synchronized (this) {
            for (QueuePair qp : queuePairs.values()) {
                qp.cancelWork();
                if (qp.state == QueuePair.State.UP) {
                    qp.state(QueuePair.State.SUSPENDED);
                } else if (qp.state == QueuePair.State.CONNECTING || qp.state == QueuePair.State.FAILED) {
                    qp.state(QueuePair.State.IDLE);
                }
            }
        }
    }

    @Override
    protected void poll() throws P4RuntimeException {
        long started = System.currentTimeMillis();
        List<Entity> found = new ArrayList<>(device.reader().read(TranslatorCounters.counterQueries(p4)));
        found.addAll(registers.read(TranslatorCounters.registerQueries(p4)));
        TranslatorCounters c = TranslatorCounters.parse(p4, found, System.currentTimeMillis());
        List<Integer> down = new ArrayList<>();
        List<Integer> tailsNeeded = new ArrayList<>();
        List<Integer> stale = new ArrayList<>();
        synchronized (this) {
            counters = c;
            pollError = null;
            for (QueuePair qp : queuePairs.values()) {
                // Only a read that started after the queue pair came up can tell that it went down.
                if (qp.state == QueuePair.State.UP && c.qpUp()[qp.collector.index()] == 0 && started > qp.sinceMillis) {
                    down.add(qp.collector.index());
                } else if (qp.state == QueuePair.State.UP && qp.reconnectForTails) {
                    tailsNeeded.add(qp.collector.index());
                } else if (qp.state == QueuePair.State.UP && lacksStores(qp)
                        && System.currentTimeMillis() - qp.connectedAtMillis > settings.maxBackoff().toMillis()) {
                    stale.add(qp.collector.index());
                }
            }
        }
        for (int i : down) {
            queuePairDown(i, "dta_qp_up read as 0 (the translator took it down: an error NAK or 3 unanswered probes)");
        }
        for (int i : tailsNeeded) {
            queuePairDown(i, "re-connecting to recover the tails of a new Append store");
        }
        for (int i : stale) {
            queuePairDown(i, "re-connecting to read the catalog again: it lacks a store the deployment puts there");
        }
        if (primary()) {
            boolean repair;
            synchronized (this) {
                repair = !tableSync.valid();
            }
            if (repair) {
                sync();
            }
        }
    }

    @Override
    protected synchronized void pollFailed(String why) {
        pollError = why;
    }

    @Override
    protected void packetIn(PacketIn packet) {
        int reason = (int) p4.packetInField(packet, M_REASON);
        packetIns.incrementAndGet(reason >= 0 && reason < 8 ? reason : 0);
        byte[] frame = packet.getPayload().toByteArray();
        switch (reason) {
            case REASON_CM_MAD -> {
                DisconnectRequest dreq = DisconnectRequest.parse(frame);
                if (dreq == null) {
                    router.deliver(frame);
                } else {
                    post(() -> disconnectRequested(dreq));
                }
            }
            case REASON_READ_RESPONSE, REASON_UNKNOWN_QUEUE_PAIR -> router.deliver(frame);
            case REASON_QUEUE_PAIR_ERROR, REASON_QUEUE_PAIR_TIMEOUT -> {
                int c = collectorOf(frame);
                if (c >= 0) {
                    String why = reason == REASON_QUEUE_PAIR_ERROR
                            ? "the collector answered with an error NAK (its queue pair is in ERROR)"
                            : "3 liveness probes unanswered (collector gone or restarted)";
                    post(() -> queuePairDown(c, why));
                }
            }
            case REASON_TO_CPU -> {
                byte[] reply = ArpResponder.reply(frame, spec.address(), spec.mac());
                long port = p4.packetInField(packet, M_INGRESS_PORT);
                if (reply != null && port > 0) {
                    try {
                        device.stream().send(p4.packetOut(reply, Map.of(M_EGRESS_PORT, port)));
                        arpReplies.incrementAndGet();
                    } catch (P4RuntimeException e) {
                        log.debug("translator {}: ARP reply not sent: {}", spec.name(), e.getMessage());
                    }
                }
            }
            default -> {
                // counted above
            }
        }
    }

    /**
     * The collector's catalog (read when the queue pair came up) lacks a store the deployment puts
     * on it: the collector may have gained it since (a restart that kept its queue pairs).
     */
    private boolean lacksStores(QueuePair qp) {
        if (qp.catalog == null) {
            return false;
        }
        for (StoreSpec s : deployment.storesOn(qp.collector)) {
            if (qp.catalog.entries().stream().noneMatch(e -> e.definition().storeId() == s.id())) {
                return true;
            }
        }
        return false;
    }

    /** The collector index of a frame from or to a collector, or -1. */
    private synchronized int collectorOf(byte[] frame) {
        if (frame.length < 34) {
            return -1;
        }
        int src = ipAt(frame, 26);
        int dst = ipAt(frame, 30);
        for (QueuePair qp : queuePairs.values()) {
            if (qp.collector.address() == src || qp.collector.address() == dst) {
                return qp.collector.index();
            }
        }
        return -1;
    }

    private static int ipAt(byte[] f, int at) {
        return (f[at] & 0xFF) << 24 | (f[at + 1] & 0xFF) << 16 | (f[at + 2] & 0xFF) << 8 | (f[at + 3] & 0xFF);
    }

    // ------------------------------------------------------------------ live changes

    /**
     * Applies a changed deployment: collectors added are connected, collectors removed are
     * disconnected (DREQ) and their entries deleted, changed stores and bucket maps rewritten.
     * Runs on the control thread; the translator is not restarted.
     */
    public void update(Deployment next) {
        post(() -> apply(next));
    }

    private void apply(Deployment next) {
        long g = generation();
        List<QueuePair> added = new ArrayList<>();
        List<QueuePair> removed = new ArrayList<>();
        synchronized (this) {
            Deployment previous = deployment;
            deployment = next;
            spec = next.translator(spec.name()).orElse(spec);
            Map<Integer, CollectorSpec> wanted = new LinkedHashMap<>();
            next.collectorsOf(spec).forEach(c -> wanted.put(c.index(), c));
            for (QueuePair qp : List.copyOf(queuePairs.values())) {
                CollectorSpec w = wanted.get(qp.collector.index());
                if (w == null || !w.equals(qp.collector)) {
                    queuePairs.remove(qp.collector.index());
                    qp.cancelWork();
                    removed.add(qp);
                }
            }
            for (CollectorSpec c : wanted.values()) {
                if (!queuePairs.containsKey(c.index())) {
                    QueuePair qp = new QueuePair(c, settings);
                    queuePairs.put(c.index(), qp);
                    added.add(qp);
                }
            }
            for (StoreSpec s : previous.stores()) {
                StoreSpec now = next.storeById(s.id()).orElse(null);
                if (now == null || !Objects.equals(now.tailBase(), s.tailBase())) {
                    tails.release(s.id());
                    tailsReady.removeIf(k -> (k >>> 8) == s.id());
                }
            }
            for (StoreSpec s : next.stores()) {
                if (previous.storeById(s.id()).isEmpty()) {
                    for (CollectorSpec c : next.collectorsOf(s)) {
                        QueuePair qp = queuePairs.get(c.index());
                        if (qp != null && qp.state == QueuePair.State.UP && !tailsReady.contains(tailKey(s.id(), c.index()))
                                && qp.catalog != null && qp.catalog.entries().stream()
                                .anyMatch(e -> e.definition().storeId() == s.id() && e.definition().kind() == StoreKind.APPEND)) {
                            qp.reconnectForTails = true;
                        }
                    }
                }
            }
        }
        for (QueuePair qp : removed) {
            log.info("translator {}: {} removed from the deployment: disconnecting", spec.name(), qp.collector.describe());
            disconnect(qp);
        }
        try {
            sync();
        } catch (P4RuntimeException e) {
            log.warn("translator {}: applying the changed deployment: {}", spec.name(), e.getMessage());
        }
        for (QueuePair qp : added) {
            log.info("translator {}: {} added to the deployment: connecting", spec.name(), qp.collector.describe());
            if (primary()) {
                startConnect(qp, g, 0);
            }
        }
    }

    private void disconnect(QueuePair qp) {
        if (!primary()) {
            return;
        }
        try {
            writeRegisters(List.of(p4.register(REG_QP_UP, qp.collector.index(), 0)));
        } catch (P4RuntimeException e) {
            log.warn("translator {}: could not turn the queue pair to {} off: {}", spec.name(), qp.collector.describe(), e.getMessage());
        }
        CmConnector.Handshake h;
        synchronized (this) {
            h = qp.lastHandshake;
            qp.lastHandshake = null;
        }
        if (h != null) {
            cmEvents.add("dreq_sent_removed");
            workers.submit(() -> {
                CmConnector cm = new CmConnector(spec, qp.collector, framePort, router.open(qp.collector.address()),
                        settings.cmTimeout(), settings.cmRetries(), random,
                    settings.cmSecret());
                try {
                    cm.disconnect(h);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    // ------------------------------------------------------------------ status

    public synchronized TranslatorStatus status() {
        SessionView s = sessionView();
        TranslatorCounters c = counters;
        List<TranslatorStatus.QueuePairStatus> qps = new ArrayList<>();
        for (QueuePair qp : queuePairs.values()) {
            int i = qp.collector.index();
            Map<String, Long> naks = new LinkedHashMap<>();
            if (c != null) {
                naks.put("psn_sequence", c.nak(i, 0));
                naks.put("invalid_request", c.nak(i, 1));
                naks.put("remote_access", c.nak(i, 2));
                naks.put("remote_operational", c.nak(i, 3));
            }
            qps.add(new TranslatorStatus.QueuePairStatus(qp.collector.name(), i, qp.collector.addressText(),
                    qp.state.name().toLowerCase(), qp.step == null ? "" : qp.step.label(), hex(TranslatorTables.qpnOf(qp.collector)),
                    qp.remoteQpn < 0 ? "" : hex(qp.remoteQpn), qp.remote == null ? "" : hex(qp.remote.startPsn()),
                    qp.bootId == 0 ? "" : Long.toHexString(qp.bootId), qp.connects, qp.downs, qp.failures, qp.collectorRestarts,
                    qp.lastError, qp.sinceMillis, c != null && c.qpUp()[i] == 1, c == null ? 0 : c.nextPsn()[i],
                    c == null ? 0 : c.lostPackets()[i], c == null ? 0 : c.sentPackets()[i], c == null ? 0 : c.sentBytes()[i],
                    c == null ? 0 : c.acks()[i], naks, c == null ? 0 : c.resyncs()[i], c == null ? 0 : c.probes()[i],
                    storesOf(qp.collector)));
        }
        List<TranslatorStatus.StoreStatus> stores = new ArrayList<>();
        for (StoreSpec st : deployment.stores()) {
            TranslatorTables.StoreView v = desired == null ? null : desired.stores().get(st.name());
            stores.add(new TranslatorStatus.StoreStatus(st.name(), st.id(),
                    v != null && v.definition() != null ? v.definition().kind().configName() : st.kind() == null ? "" : st.kind().configName(),
                    v != null && v.definition() != null ? Layouts.describe(v.definition().layout()) : "",
                    v != null && v.programmed(), v == null ? "0/" + st.collectors().size() : v.known().size() + "/" + v.holders().size(),
                    v == null ? -1 : v.tailBase(), st.appendBatch(), v == null ? null : v.error()));
        }
        Map<String, Long> ins = new LinkedHashMap<>();
        String[] names = {"other", "cm_mad", "read_response", "queue_pair_error", "queue_pair_timeout", "unknown_queue_pair", "to_cpu", "other7"};
        for (int r = 1; r <= 6; r++) {
            ins.put(names[r], packetIns.get(r));
        }
        ins.put("other", packetIns.get(0) + packetIns.get(7));
        TranslatorStatus.Counters counterView = new TranslatorStatus.Counters(c == null ? 0 : c.readAtMillis(), pollError,
                reportMap(c == null ? null : c.reportPackets()), reportMap(c == null ? null : c.reportBytes()), dropMap(c));
        return new TranslatorStatus(spec.name(), endpoint.p4runtime().toString(), endpoint.deviceId(), endpoint.electionId(),
                spec.pipeline().configName(), Ipv4s.format(spec.address()), s.state(), s.detail(), s.primary(), s.primaryElectionId(),
                s.apiVersion(), s.sessions(), s.losses(), s.pipelinePushes(), tableSync.writes() + registerWrites, tableSync.failures(),
                s.lastError(), ins,
                packetOuts.get(), arpReplies.get(), router.unrouted(), counterView, qps, stores, cmEvents.snapshot());
    }

    private static Map<String, Long> reportMap(long[] v) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (StoreKind k : StoreKind.values()) {
            String name = k == StoreKind.SKETCH ? "sketch-merge" : k.configName();
            m.put(name, v == null ? 0 : v[k.code()]);
        }
        return m;
    }

    private static Map<String, Long> dropMap(TranslatorCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (c == null) {
            return m;
        }
        for (DropReason r : DropReason.values()) {
            if (r.code() > 0 && r.code() < c.drops().length) {
                m.put(r.label(), c.drops()[r.code()]);
            }
        }
        return m;
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }

    @Override
    public void close() {
        super.close();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
