package net.dta.controller.translator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import net.dta.controller.DeviceAgent;
import net.dta.controller.cm.DisconnectRequest;
import net.dta.controller.cm.FramePort;
import net.dta.controller.cm.FrameRouter;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.controller.p4runtime.TableSync;
import net.dta.controller.p4runtime.WriteClient;
import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Deployment;
import net.dta.protocol.Addresses;
import net.dta.deployment.TranslatorSpec;
import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoFiles;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Update;

import static net.dta.p4.TranslatorP4Names.*;

/**
 * Controls one translator (docs/controller.md): as its primary, installs the pipeline and keeps
 * its tables equal to what the deployment and the connected queue pairs imply; has its queue pairs
 * connected through RDMA CM on the translator's behalf ({@link QueuePairConnections}, with the
 * Append tails recovered by {@link TailRecovery}); starts over when the translator restarts (its
 * pipeline is gone); applies a changed deployment ({@link DeploymentChange}) without restarting
 * anything that did not change; dispatches the translator's PacketIns.
 *
 * <p>Threads: all session work on the agent's control thread (DeviceAgent's rule): programming,
 * polling, every queue-pair event, deployment changes. gRPC threads only route frames and post;
 * status and announcements read what the control thread published, or post and wait.
 */
public final class TranslatorAgent extends DeviceAgent {
    /** How long an announcement waits for the control thread to take it. */
    private static final long ANNOUNCEMENT_WAIT_MILLIS = 30_000;

    private final TranslatorTables tables;
    private final TableSync tableSync;
    private final FrameRouter router = new FrameRouter();
    private final TailRecovery tails = new TailRecovery();
    private final CmEvents cmEvents = new CmEvents();
    private final QueuePairConnections connections;

    // Written on the control thread only, published for status.
    /** Replaced by {@link #update} when only routes, settings, ports or the collector list changed. */
    private volatile TranslatorSpec spec;
    private volatile Deployment deployment;
    private volatile TranslatorTables.Desired desired;
    private volatile TranslatorCounters counters;
    private volatile String pollError;
    private volatile long tableWrites;
    private volatile long tableWriteFailures;
    private final AtomicLong registerWrites = new AtomicLong();

    // Counted on gRPC threads.
    private final AtomicLongArray packetIns = new AtomicLongArray(8);
    private final AtomicLong packetOuts = new AtomicLong();
    private final AtomicLong arpReplies = new AtomicLong();

    public TranslatorAgent(TranslatorSpec spec, Deployment deployment, ControllerSettings settings) throws IOException {
        super("translator", spec.device(), settings,
                loadP4Info(spec.device(), P4InfoFiles.TRANSLATOR_TNA, P4InfoFiles.TRANSLATOR_V1MODEL));
        this.spec = spec;
        this.deployment = deployment;
        this.tables = new TranslatorTables(p4);
        this.tableSync = new TableSync(device, TranslatorTables.TABLE_ORDER);
        FramePort framePort = frame -> {
            try {
                device.stream().send(p4.packetOut(frame, Map.of(M_EGRESS_PORT, 0L)));
                packetOuts.incrementAndGet();
            } catch (P4RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
        this.connections = new QueuePairConnections(new Session(), deployment.collectorsOf(spec), settings, p4,
                new CollectorCm(this::spec, settings, framePort, router, cmEvents), tails);
    }

    public TranslatorSpec spec() {
        return spec;
    }

    /** The session as the queue-pair connections use it (every call on the control thread). */
    private final class Session implements QueuePairConnections.Session {
        @Override
        public TranslatorSpec spec() {
            return spec;
        }

        @Override
        public Deployment deployment() {
            return deployment;
        }

        @Override
        public boolean primary() {
            return TranslatorAgent.this.primary();
        }

        @Override
        public void sync() throws P4RuntimeException {
            TranslatorAgent.this.sync();
        }

        @Override
        public void writeRegisters(List<Entity> cells) throws P4RuntimeException {
            TranslatorAgent.this.writeRegisters(cells);
        }

        @Override
        public void lost(String why) {
            TranslatorAgent.this.lost(generation(), why);
        }

        @Override
        public void post(Runnable r) {
            TranslatorAgent.this.post(r);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable r, long delayMillis) {
            try {
                return control.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return null; // the agent is stopping (controller shut down mid-programming): nothing to retry
            }
        }
    }

    // ------------------------------------------------------------------ programming

    @Override
    protected void program(boolean freshPipeline) throws P4RuntimeException, InterruptedException {
        Map<Integer, Long> qpUp = Map.of();
        if (freshPipeline) {
            // A new incarnation: no table entries, no tails, no queue pairs.
            tableSync.clear();
            tails.clear();
            connections.pipelineReset();
        } else {
            tableSync.load();
            adoptTails();
            qpUp = readQpUp();
            connections.adoptLive(qpUp, this::liveRemoteQpn);
        }
        device.writer().apply(List.of(WriteClient.update(Update.Type.INSERT,
                P4Entities.cloneSession(LOOP_CLONE_SESSION, spec.recirculationPort()))));
        sync();
        connections.resume(freshPipeline, qpUp, c -> liveRemoteQpn(c) == connections.remoteQpn(c));
    }

    /** The remote QPN of the switch's queue pair entry for a collector, or -1. */
    private int liveRemoteQpn(int collectorIndex) {
        for (TableEntry e : tableSync.entries().values()) {
            if (e.getTableId() == p4.tableId(QUEUE_PAIRS) && p4.match(e, QUEUE_PAIRS, F_COLLECTOR) == collectorIndex) {
                return (int) p4.param(e, SET_QUEUE_PAIR, P_REMOTE_QPN);
            }
        }
        return -1;
    }

    /**
     * A translator that kept running while the controller was away holds live Append tails: adopt
     * the tail bases it uses and never overwrite those tails with recovered ones.
     */
    private void adoptTails() {
        int storesTable = p4.tableId(STORES);
        for (TableEntry e : tableSync.entries().values()) {
            if (e.getTableId() == storesTable && p4.hasAction(e, SET_APPEND_STORE)) {
                tails.adopt(deployment, (int) p4.match(e, STORES, F_STORE_ID), (int) p4.param(e, SET_APPEND_STORE, P_TAIL_BASE),
                        (int) p4.param(e, SET_APPEND_STORE, P_LISTS));
            }
        }
    }

    private Map<Integer, Long> readQpUp() throws P4RuntimeException {
        Map<Integer, Long> out = new HashMap<>();
        int id = p4.index().registerId(REG_QP_UP);
        for (Entity e : registers.read(List.of(p4.registerQuery(REG_QP_UP, -1)))) {
            if (e.hasRegisterEntry() && e.getRegisterEntry().getRegisterId() == id) {
                out.put((int) e.getRegisterEntry().getIndex().getIndex(), BinaryStrings.decode(e.getRegisterEntry().getData().getBitstring()));
            }
        }
        return out;
    }

    /**
     * Makes the switch's tables equal to what the deployment and the queue pairs imply: deletes
     * first (stores before what they use), then additions and changes table by table (a store after
     * its regions and bucket map).
     */
    private void sync() throws P4RuntimeException {
        if (!primary()) {
            return;
        }
        desired = tables.compute(spec, deployment, connections.views(), tails.allocator(), tails::ready, connections.leaving());
        try {
            tableSync.apply(desired.entries());
        } catch (P4RuntimeException e) {
            recordError(e.getMessage());
            throw e;
        } finally {
            tableWrites = tableSync.writes();
            tableWriteFailures = tableSync.failures();
        }
    }

    private void writeRegisters(List<Entity> cells) throws P4RuntimeException {
        registers.write(cells);
        registerWrites.incrementAndGet();
    }

    @Override
    protected void suspend(String why) {
        connections.suspend();
    }

    @Override
    protected void poll() throws P4RuntimeException {
        long started = System.currentTimeMillis();
        List<Entity> found = new ArrayList<>(device.reader().read(TranslatorCounters.counterQueries(p4)));
        found.addAll(registers.read(TranslatorCounters.registerQueries(p4)));
        TranslatorCounters c = TranslatorCounters.parse(p4, found, System.currentTimeMillis());
        counters = c;
        pollError = null;
        connections.check(c, started);
        if (primary() && !tableSync.valid()) {
            sync();
        }
    }

    @Override
    protected void pollFailed(String why) {
        pollError = why;
    }

    // ------------------------------------------------------------------ PacketIns (gRPC threads)

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
                    post(() -> connections.disconnectRequested(dreq));
                }
            }
            case REASON_READ_RESPONSE, REASON_UNKNOWN_QUEUE_PAIR -> router.deliver(frame);
            case REASON_QUEUE_PAIR_ERROR, REASON_QUEUE_PAIR_TIMEOUT -> {
                int c = collectorOf(frame);
                if (c >= 0) {
                    String why = reason == REASON_QUEUE_PAIR_ERROR
                            ? "the collector answered with an error NAK (its queue pair is in ERROR)"
                            : "3 liveness probes unanswered (collector gone or restarted)";
                    post(() -> connections.down(c, why));
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

    /** The collector index of a frame from or to a collector, or -1. */
    private int collectorOf(byte[] frame) {
        if (frame.length < 34) {
            return -1;
        }
        int from = connections.collectorAt(ipAt(frame, 26));
        return from >= 0 ? from : connections.collectorAt(ipAt(frame, 30));
    }

    private static int ipAt(byte[] f, int at) {
        return (f[at] & 0xFF) << 24 | (f[at + 1] & 0xFF) << 16 | (f[at + 2] & 0xFF) << 8 | (f[at + 3] & 0xFF);
    }

    // ------------------------------------------------------------------ announcements and live changes

    /** Whether this translator has a queue pair to a collector at {@code address} (any thread). */
    public boolean collects(int address) {
        return connections.collectorAt(address) >= 0;
    }

    /**
     * A collector announced its start (docs/reliability.md "Announcements"): handled on the control
     * thread ({@link QueuePairConnections#announced}); returns how many queue pairs are (re)connected,
     * 0 when the control thread did not take it in time (it still will).
     */
    public int collectorAnnounced(int address, long bootId, Map<Integer, Integer> held, boolean processCm) {
        try {
            return control.submit(() -> connections.announced(address, bootId, held, processCm))
                    .get(ANNOUNCEMENT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | ExecutionException | TimeoutException e) {
            log.warn("translator {}: the announcement of {} was not handled in time: {}", spec.name(), Addresses.formatIpv4(address), e.toString());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Applies a changed deployment: collectors added are connected, collectors removed are
     * disconnected (DREQ) and their entries deleted, changed stores and bucket maps rewritten.
     * Runs on the control thread; the translator is not restarted.
     */
    public void update(Deployment next) {
        post(() -> apply(next));
    }

    private void apply(Deployment next) {
        Deployment previous = deployment;
        deployment = next;
        spec = next.translator(spec.name()).orElse(spec);
        List<QueuePair> added = connections.apply(DeploymentChange.between(previous, next, spec, connections.collectors()));
        try {
            sync();
        } catch (P4RuntimeException e) {
            log.warn("translator {}: applying the changed deployment: {}", spec.name(), e.getMessage());
        }
        connections.connectAdded(added);
    }

    // ------------------------------------------------------------------ status (any thread)

    public TranslatorStatus status() {
        SessionView s = sessionView();
        TranslatorCounters c = counters;
        Deployment d = deployment;
        TranslatorSpec t = spec;
        return new TranslatorStatus(t.name(), endpoint.p4runtime().toString(), endpoint.deviceId(), endpoint.electionId(),
                t.pipeline().configName(), Addresses.formatIpv4(t.address()), s.state(), s.detail(), s.primary(), s.primaryElectionId(),
                s.apiVersion(), s.sessions(), s.losses(), s.pipelinePushes(), tableWrites + registerWrites.get(), tableWriteFailures,
                s.lastError(), StatusViews.packetIns(packetIns), packetOuts.get(), arpReplies.get(), router.unrouted(),
                StatusViews.counters(c, pollError), StatusViews.queuePairs(connections.snapshots(), c, d),
                StatusViews.stores(d, desired), cmEvents.snapshot());
    }

    @Override
    public void close() {
        super.close();
        connections.close();
    }
}
