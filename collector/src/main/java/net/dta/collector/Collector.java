package net.dta.collector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.rdma.CatalogRegion;
import net.dta.collector.rdma.CollectorConnectionHandler;
import net.dta.collector.rdma.QueuePairPersister;
import net.dta.collector.rdma.RegionRegistrar.StoreRegion;
import net.dta.collector.rdma.RegionRegistrar;
import net.dta.collector.state.CollectorState;
import net.dta.collector.state.StateException;
import net.dta.collector.status.CollectorMetrics;
import net.dta.collector.status.CollectorStatus;
import net.dta.collector.store.DataDirectoryLock;
import net.dta.collector.store.Layouts;
import net.dta.collector.store.OpenStores;
import net.dta.collector.store.StoreFileException;
import net.dta.collector.store.StoreSet;
import net.dta.common.admin.AdminServer;
import net.dta.common.status.OpaqueIds;
import net.dta.common.admin.Announcer;
import net.dta.common.lifecycle.LifecycleStack;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionCounters;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * The collector daemon: owns the data directory, the store files, the persisted state, the RDMA
 * backend and the admin endpoint. {@link #start} brings them up in order (each one pushed on a
 * {@link LifecycleStack}); {@link #close} takes them down in reverse, saving queue-pair states and
 * leaving the state map cleanly closed. Once started, the collector's CPU has nothing to do with
 * ingest: the backend writes into the mapped stores.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final CollectorConfig config;
    private final LifecycleStack stack = new LifecycleStack();
    private final long bootId = new SecureRandom().nextLong();
    private final long startedAtMillis = System.currentTimeMillis();

    private CollectorState state;
    private StoreSet stores;
    private RdmaBackend backend;
    private List<StoreRegion> storeRegions = List.of();
    private CatalogRegion catalogRegion;
    private RegisteredRegion catalogRegistered;
    private CollectorConnectionHandler handler;
    private QueuePairPersister persister;
    private AdminServer admin;
    private Announcer announcer;
    private int queuePairsRestored;

    private Collector(CollectorConfig config) {
        this.config = config;
    }

    /** Starts everything or nothing: on failure, what was started is closed again and the cause explained. */
    public static Collector start(CollectorConfig config, BackendFactory backends) throws CollectorStartException {
        Collector c = new Collector(config);
        try {
            c.startComponents(backends);
            return c;
        } catch (CollectorStartException e) {
            c.close();
            throw e;
        } catch (RuntimeException e) {
            c.close();
            throw new CollectorStartException("collector start failed: " + e, e);
        }
    }

    private void startComponents(BackendFactory backends) throws CollectorStartException {
        String configName = config.source() == null ? "the configuration" : config.source().getFileName().toString();
        try {
            if (config.controller() != null) {
                announcer = stack.push("announcement", new Announcer(config.controller(), "collector " + config.name(),
                        () -> Announcement.collector(config.name(), config.network().address(), bootId, backend.queuePairs(),
                                backend.supportsQueuePairRestore(), state == null || !state.recovered())));
            }
            stack.push("data directory lock", DataDirectoryLock.acquire(config.dataDir()));
            state = stack.push("collector state", CollectorState.open(config.dataDir()));
            stores = stack.push("store files", StoreSet.open(config.dataDir(), config.definitions(), configName));
            stack.push("store flush", stores::flush);
            long generation = state.recordStores(config.definitions());

            backend = backends.create(config);
            AutoCloseable stopBackend = once(backend);
            stack.push("rdma backend", stopBackend);
            RegionRegistrar registrar = new RegionRegistrar(backend, state);
            storeRegions = registrar.registerStores(stores.files());
            stack.push("store regions", () -> storeRegions.forEach(r -> backend.deregister(r.region())));

            List<CatalogEntry> entries = new ArrayList<>();
            for (StoreRegion r : storeRegions) {
                entries.add(r.catalogEntry());
            }
            catalogRegion = stack.push("catalog memory", new CatalogRegion(generation, entries));
            catalogRegistered = registrar.registerCatalog(catalogRegion.memory());
            stack.push("catalog region", () -> backend.deregister(catalogRegistered));
            handler = new CollectorConnectionHandler(catalogRegion.replyData(bootId, catalogRegistered), config.network().pathMtu(),
                    backend::queuePairStates);

            restoreQueuePairs();
            backend.start(handler);
            persister = stack.push("queue-pair persister",
                    new QueuePairPersister(backend, state, config.queuePairs().persistInterval()));
            // A clean stop takes the responder down first (issue 13 item 3): no request then meets a
            // deregistered region (a remote access error NAK, which took the translator's queue pair
            // down and defeated restore-on-restart), the persister's last save holds the PSN of the
            // last request applied, and the store flush (msync) comes after the last write.
            stack.push("responder", stopBackend);

            if (config.admin().enabled()) {
                admin = stack.push("admin endpoint",
                        new AdminServer("DTA collector", config.admin().host(), config.admin().port(), "admin.address",
                                config.admin().security())
                                .status(this::status)
                                .get("/metrics", AdminServer.PROMETHEUS, "metrics (Prometheus)",
                                        () -> CollectorMetrics.render(status()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .health(this::whatStopped));
            }
            LOG.info("collector {} started: {} stores, catalog generation {}, boot id {}", config.name(), storeRegions.size(),
                    generation, hex(bootId));
            if (announcer != null) {
                announcer.announce();
            }
        } catch (StoreFileException e) {
            throw new CollectorStartException(e.getMessage(), e);
        } catch (StateException e) {
            throw new CollectorStartException(e.getMessage(), e);
        } catch (RdmaException e) {
            throw new CollectorStartException("RDMA backend (ingest " + config.network().ingest().configName() + "): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new CollectorStartException(e.getMessage(), e);
        }
    }

    private void restoreQueuePairs() throws StateException, RdmaException {
        List<QueuePairState> saved = state.queuePairs();
        if (saved.isEmpty()) {
            return;
        }
        if (!config.queuePairs().restoreOnRestart()) {
            LOG.info("{} saved queue pair(s) not restored (queue-pairs.restore-on-restart is false): the translator must re-connect",
                    saved.size());
            return;
        }
        if (!backend.supportsQueuePairRestore()) {
            LOG.info("{} saved queue pair(s) not restored: the {} backend cannot re-create queue pairs; the translator must re-connect",
                    saved.size(), backend.name());
            return;
        }
        backend.restoreQueuePairs(saved);
        queuePairsRestored = saved.size();
        if (state.recovered()) {
            // Saved up to one persist interval before the kill: a requester that went on sending is
            // ahead of these PSNs. The announcement says so and the controller re-connects them.
            LOG.warn("restored {} queue pair(s) from a previous run that did not stop cleanly (kill -9 or crash): their PSNs "
                    + "are from the last save (queue-pairs.persist-interval {}) and may be behind the translator's; "
                    + "the announcement tells the controller, which re-connects them", saved.size(),
                    config.queuePairs().persistInterval());
        } else {
            LOG.info("restored {} queue pair(s) from the previous run", saved.size());
        }
    }

    public CollectorConfig config() {
        return config;
    }

    /** The collector's stores, for in-process readers. */
    public OpenStores stores() {
        return stores;
    }

    public Catalog catalog() {
        return catalogRegion.catalog();
    }

    public ConnectReplyData replyData() {
        return handler.replyData();
    }

    public long bootId() {
        return bootId;
    }

    public RdmaBackend backend() {
        return backend;
    }

    /** The admin endpoint's bound address, or null when disabled. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Saves the queue-pair states now (also done periodically and at close). */
    public int saveQueuePairs() {
        return persister.save();
    }

    /** Null while the responder's thread runs; else why it stopped (/health). */
    private String whatStopped() {
        Throwable f = backend.failure();
        return f == null ? null : "responder thread failed: " + f;
    }

    /** A consistent-enough snapshot of every component for /status and /metrics. */
    public CollectorStatus status() {
        long now = System.currentTimeMillis();
        CollectorConfig.Network net = config.network();
        CollectorStatus.Ingest ingest = new CollectorStatus.Ingest(net.ingest().configName(), backend.name(), backend.describe(),
                backend.verifiesIcrc(), net.address().getHostAddress(), net.rocePort(), net.cmPort(), net.pathMtu(),
                config.queuePairs().errorOnNak(), backend.threads(),
                java.util.Arrays.stream(backend.packetsPerThread()).boxed().toList());
        ConnectReplyData rep = handler.replyData();
        CollectorStatus.CatalogInfo catalog = new CollectorStatus.CatalogInfo(rep.catalogGeneration(), rep.storeCount(),
                "0x" + Long.toHexString(rep.catalogVa()), "0x" + Integer.toHexString(rep.catalogRkey()), rep.catalogLength());
        CollectorConnectionHandler.Counts cc = handler.counts();
        EndpointCounters ec = backend.counters();
        Map<String, Long> drops = new TreeMap<>(ec.drops());
        CollectorStatus.Endpoint endpoint = new CollectorStatus.Endpoint(ec.packetsReceived(), ec.bytesReceived(),
                ec.packetsSent(), ec.icrcFailures(), drops.getOrDefault("unknown_qp", 0L), drops,
                backend.failure() == null ? null : backend.failure().toString());
        List<CollectorStatus.QueuePair> qps = new ArrayList<>();
        for (QueuePairInfo q : backend.queuePairs()) {
            qps.add(new CollectorStatus.QueuePair(OpaqueIds.of("qp", q.qpn()), q.qpn(), q.remoteAddress().getHostAddress(), q.remoteQpn(), q.state(),
                    q.expectedPsn(), q.packets(), q.bytes(), q.writes(), q.atomics(), q.reads(), q.acks(), q.psnGaps(),
                    q.duplicates(), new TreeMap<>(q.naksBySyndrome()), new TreeMap<>(q.drops()), q.establishedAtMillis()));
        }
        List<CollectorStatus.Store> storeStatus = new ArrayList<>();
        for (StoreRegion r : storeRegions) {
            RegionCounters rc = r.region().counters();
            List<String> rkeys = new ArrayList<>();
            for (int k : r.region().rkeys()) {
                rkeys.add("0x" + Integer.toHexString(k));
            }
            var def = r.file().definition();
            storeStatus.add(new CollectorStatus.Store(def.name(), def.storeId(), def.kind().configName(), Layouts.describe(def.layout()),
                    r.file().path().toString(), def.layout().dataLength(), r.file().fileBytes(), r.file().created(),
                    "0x" + Long.toHexString(r.region().va()), rkeys, rc.writes.sum(), rc.writeBytes.sum(), rc.atomics.sum(),
                    rc.reads.sum(), rc.readBytes.sum(), rc.accessErrors.sum()));
        }
        QueuePairPersister.Status ps = persister.status();
        CollectorStatus.Persistence persistence = new CollectorStatus.Persistence(state.file().toString(), state.recovered(),
                config.queuePairs().restoreOnRestart(), queuePairsRestored, ps.saves(), ps.failures(), ps.lastSaveMillis(),
                ps.lastCount());
        InetSocketAddress adminAddress = adminAddress();
        return new CollectorStatus(config.name(), hex(bootId), startedAtMillis, now - startedAtMillis, config.dataDir().toString(),
                ingest, catalog, new CollectorStatus.Connections(cc.requests(), cc.established(), cc.closed(), cc.plainClients()),
                endpoint, qps, storeStatus, persistence,
                new CollectorStatus.Admin(adminAddress == null ? "disabled" : adminAddress.getHostString() + ":" + adminAddress.getPort()), requesterTotals());
    }

    /** Closes the backend the first time only (the stack holds it twice: stopped first, and in case the start fails). */
    private static AutoCloseable once(RdmaBackend backend) {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                backend.close();
            }
        };
    }

    static String hex(long v) {
        return HexFormat.of().toHexDigits(v);
    }

    @Override
    public void close() {
        LOG.info("collector {} stopping", config.name());
        stack.close();
        LOG.info("collector {} stopped", config.name());
    }

    /** Per requester: its closed queue pairs' final counters plus its live ones (issue 13 item 2). */
    private List<CollectorStatus.Requester> requesterTotals() {
        Map<String, List<QueuePairInfo>> all = new TreeMap<>(handler.closedQueuePairs());
        Map<String, List<QueuePairInfo>> merged = new TreeMap<>();
        all.forEach((k, v) -> merged.put(k, new ArrayList<>(v)));
        for (QueuePairInfo q : backend.queuePairs()) {
            merged.computeIfAbsent(q.remoteAddress().getHostAddress(), k -> new ArrayList<>()).add(q);
        }
        List<CollectorStatus.Requester> out = new ArrayList<>();
        merged.forEach((remote, qps) -> {
            long[] t = new long[9];
            Map<String, Long> naks = new TreeMap<>();
            Map<String, Long> drops = new TreeMap<>();
            for (QueuePairInfo q : qps) {
                t[0]++;
                t[1] += q.packets();
                t[2] += q.bytes();
                t[3] += q.writes();
                t[4] += q.atomics();
                t[5] += q.reads();
                t[6] += q.acks();
                t[7] += q.psnGaps();
                t[8] += q.duplicates();
                q.naksBySyndrome().forEach((k, v) -> naks.merge(k, v, Long::sum));
                q.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
            }
            out.add(new CollectorStatus.Requester(remote, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], naks, drops));
        });
        return out;
    }
}
