package net.dta.controller.translator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.P4Entities.EntryKey;
import net.dta.deployment.BucketMap;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.Route;
import net.dta.deployment.StoreSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.p4.TranslatorP4Names;
import p4.v1.P4RuntimeOuterClass.TableEntry;

import static net.dta.p4.TranslatorP4Names.*;

/**
 * The table entries a translator should hold (translator-control.md 1), computed from the
 * deployment and what its queue pairs learnt: local address, routes, settings, one queue pair per
 * connected collector, a region per store segment per collector, and for every store whose layout
 * is known and agreed by all its shards, its {@code dta_stores} entry and 256 bucket-map entries.
 * A pure function of its inputs; the agent diffs the result against what the switch holds.
 */
final class TranslatorTables {
    /** Tables in the order entries are added (a store is enabled only after its regions and bucket map). */
    static final List<String> TABLE_ORDER = List.of(LOCAL_ADDRESSES, IPV4_ROUTES, SETTINGS, QUEUE_PAIRS, REGIONS,
            COLLECTOR_SELECT, STORES);

    /** How a store stands on this translator. */
    record StoreView(StoreSpec spec, StoreDefinition definition, List<String> holders, List<String> known, boolean programmed,
                     int tailBase, String error) {
    }

    /** The result: entries by key, in {@link #TABLE_ORDER}, and each store's standing. */
    record Desired(Map<EntryKey, TableEntry> entries, Map<String, StoreView> stores) {
    }

    /** Tells whether the tails of a store's lists on a collector were recovered (or are live) on this translator. */
    interface TailState {
        boolean ready(int storeId, int collectorIndex);
    }

    private final P4Entities p4;

    TranslatorTables(P4Entities p4) {
        this.p4 = p4;
    }

    Desired compute(TranslatorSpec t, Deployment d, Map<Integer, QpView> qps, TailAllocator tails, TailState tailState) {
        return compute(t, d, qps, tails, tailState, List.of());
    }

    /**
     * @param leaving collectors removed from the deployment whose DREQ exchange is not over: their
     *                routes stay (the DREQ and its retries are PacketOuts the translator routes)
     */
    Desired compute(TranslatorSpec t, Deployment d, Map<Integer, QpView> qps, TailAllocator tails, TailState tailState,
                    Collection<CollectorSpec> leaving) {
        Map<String, List<TableEntry>> byTable = new LinkedHashMap<>();
        TABLE_ORDER.forEach(n -> byTable.put(n, new ArrayList<>()));

        byTable.get(LOCAL_ADDRESSES).add(p4.table(LOCAL_ADDRESSES).exact(F_DST_ADDR, t.address() & 0xFFFF_FFFFL)
                .action(LOCAL_ADDRESS).build());
        List<CollectorSpec> collectors = d.collectorsOf(t);
        List<CollectorSpec> routed = new ArrayList<>(collectors);
        leaving.stream().filter(c -> collectors.stream().noneMatch(k -> k.address() == c.address())).forEach(routed::add);
        for (TableEntry e : routes(t, routed)) {
            byTable.get(IPV4_ROUTES).add(e);
        }
        TranslatorSpec.Settings s = t.settings();
        byTable.get(SETTINGS).add(p4.table(SETTINGS).defaultEntry().action(SET_SETTINGS)
                .param(P_ACK_INTERVAL_LOG2, s.ackIntervalLog2()).param(P_FLUSH_INTERVAL_US, s.flushIntervalMicros())
                .param(P_PROBE_INTERVAL_MS, s.probeIntervalMillis()).build());

        for (CollectorSpec c : collectors) {
            QpView q = qps.getOrDefault(c.index(), QpView.NONE);
            if (q.remoteQpn() >= 0) {
                byTable.get(QUEUE_PAIRS).add(p4.table(QUEUE_PAIRS).exact(F_COLLECTOR, c.index()).action(SET_QUEUE_PAIR)
                        .param(P_COLLECTOR_IP, c.address() & 0xFFFF_FFFFL).param(P_TRANSLATOR_IP, t.address() & 0xFFFF_FFFFL)
                        .param(P_REMOTE_QPN, q.remoteQpn()).build());
            }
        }

        Map<String, StoreView> stores = new LinkedHashMap<>();
        for (StoreSpec spec : d.stores()) {
            StoreView view = store(t, d, spec, collectors, qps, tails, tailState, byTable);
            stores.put(spec.name(), view);
        }

        Map<EntryKey, TableEntry> entries = new LinkedHashMap<>();
        for (List<TableEntry> list : byTable.values()) {
            for (TableEntry e : list) {
                entries.put(EntryKey.of(e), e);
            }
        }
        return new Desired(entries, stores);
    }

    private List<TableEntry> routes(TranslatorSpec t, List<CollectorSpec> collectors) {
        List<TableEntry> out = new ArrayList<>();
        for (Route r : t.routes()) {
            out.add(route(r.prefix().address(), r.prefix().length(), r));
        }
        for (CollectorSpec c : collectors) {
            boolean covered = t.routes().stream().anyMatch(r -> r.prefix().contains(c.address()));
            if (!covered) {
                out.add(route(c.address(), 32, new Route(null, Route.Action.FORWARD, t.collectorPort(), t.mac(), c.mac())));
            }
        }
        return out;
    }

    private TableEntry route(int address, int length, Route r) {
        P4Entities.TableEntryBuilder b = p4.table(IPV4_ROUTES).lpm(F_DST_ADDR, address & 0xFFFF_FFFFL, length);
        return switch (r.action()) {
            case FORWARD -> b.action(FORWARD).param(P_PORT, r.port()).param(P_SRC_MAC, r.srcMac()).param(P_DST_MAC, r.dstMac()).build();
            case TO_CPU -> b.action(SEND_TO_CPU).build();
            case DROP -> b.action(DROP).build();
        };
    }

    private StoreView store(TranslatorSpec t, Deployment d, StoreSpec spec, List<CollectorSpec> connectable,
                            Map<Integer, QpView> qps, TailAllocator tails, TailState tailState,
                            Map<String, List<TableEntry>> byTable) {
        List<CollectorSpec> holders = d.collectorsOf(spec);
        List<String> holderNames = holders.stream().map(CollectorSpec::name).toList();
        List<String> known = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> unreachable = holders.stream().filter(h -> !connectable.contains(h)).map(CollectorSpec::name).toList();
        StoreDefinition agreed = null;
        String agreedBy = null;
        Map<CollectorSpec, CatalogEntry> entries = new LinkedHashMap<>();
        for (CollectorSpec c : holders) {
            QpView q = qps.getOrDefault(c.index(), QpView.NONE);
            if (q.catalog() == null) {
                continue;
            }
            CatalogEntry e = q.catalog().entries().stream().filter(x -> x.definition().storeId() == spec.id()).findFirst().orElse(null);
            if (e == null) {
                problems.add("collector " + c.name() + " has no store with id " + spec.id() + " in its catalog (it has "
                        + q.catalog().entries().stream().map(x -> x.definition().name() + "=" + x.definition().storeId()).toList()
                        + "): add it to that collector's configuration, or remove " + c.name() + " from the store's collectors");
                continue;
            }
            StoreDefinition def = e.definition();
            if (!def.name().equals(spec.name())) {
                problems.add("collector " + c.name() + " calls store id " + spec.id() + " \"" + def.name() + "\", the deployment \""
                        + spec.name() + "\": use one name");
            }
            if (spec.kind() != null && def.kind() != spec.kind()) {
                problems.add("collector " + c.name() + " holds it as a " + def.kind().configName() + " store, the deployment says "
                        + spec.kind().configName());
            }
            if (agreed == null) {
                agreed = def;
                agreedBy = c.name();
            } else if (!Layouts.sameShape(agreed, def)) {
                problems.add("its shards disagree: " + agreedBy + " has " + Layouts.describe(agreed) + ", " + c.name() + " has "
                        + Layouts.describe(def) + "; make the collectors' configurations agree");
            }
            known.add(c.name());
            entries.put(c, e);
        }
        if (!problems.isEmpty()) {
            return new StoreView(spec, agreed, holderNames, known, false, -1, String.join("; ", problems));
        }
        for (Map.Entry<CollectorSpec, CatalogEntry> e : entries.entrySet()) {
            int[] rkeys = e.getValue().rkeys();
            for (int seg = 0; seg < rkeys.length; seg++) {
                byTable.get(REGIONS).add(p4.table(REGIONS).exact(F_COLLECTOR, e.getKey().index()).exact(F_STORE_ID, spec.id())
                        .exact(F_SEGMENT, seg).action(SET_REGION)
                        .param(P_VA, e.getValue().va() + ((long) seg << CatalogEntry.LOG2_SEGMENT_BYTES))
                        .param(P_RKEY, rkeys[seg] & 0xFFFF_FFFFL).build());
            }
        }
        if (agreed == null) {
            return new StoreView(spec, null, holderNames, known, false, -1,
                    unreachable.isEmpty() ? null : "translator " + t.name() + " does not connect to " + String.join(", ", unreachable));
        }
        int tailBase = -1;
        P4Entities.TableEntryBuilder b = p4.table(STORES).exact(F_STORE_ID, spec.id());
        int[] p = agreed.layout().params();
        switch (agreed.kind()) {
            case KEY_WRITE -> b.action(SET_KEY_WRITE_STORE).param(P_LOG2_SLOTS, p[0]).param(P_SLOT_BYTES, p[1])
                    .param(P_DEFAULT_REDUNDANCY, p[2]);
            case KEY_INCREMENT -> b.action(SET_KEY_INCREMENT_STORE).param(P_ROWS, p[0]).param(P_LOG2_COLUMNS, p[1]);
            case POSTCARD -> b.action(SET_POSTCARD_STORE).param(P_LOG2_ROWS, p[0]).param(P_HOPS, p[1]).param(P_ROW_BYTES, p[2]);
            case SKETCH -> b.action(SET_SKETCH_STORE).param(P_ROWS, p[0]).param(P_LOG2_COLUMNS, p[1]);
            case APPEND -> {
                AppendLayout a = (AppendLayout) agreed.layout();
                tailBase = spec.tailBase() != null ? (tails.fix(spec.id(), spec.tailBase(), a.lists()) ? spec.tailBase() : -1)
                        : tails.allocate(spec.id(), a.lists());
                if (tailBase < 0) {
                    return new StoreView(spec, agreed, holderNames, known, false, -1, spec.tailBase() != null
                            ? "tail-base " + spec.tailBase() + " with " + a.lists() + " lists overlaps another Append store's tail "
                            + "registers or passes 65535: choose another tail-base"
                            : "no " + a.lists() + " consecutive free tail registers are left (65536 in all): make Append stores smaller");
                }
                b.action(SET_APPEND_STORE).param(P_LISTS, a.lists()).param(P_LOG2_ENTRIES, a.log2Entries())
                        .param(P_BATCH, spec.appendBatch()).param(P_TAIL_BASE, tailBase);
            }
            default -> throw new IllegalStateException(agreed.kind().toString());
        }
        if (agreed.kind() == StoreKind.APPEND) {
            for (CollectorSpec c : holders) {
                QpView q = qps.getOrDefault(c.index(), QpView.NONE);
                if (q.up() && !tailState.ready(spec.id(), c.index())) {
                    return new StoreView(spec, agreed, holderNames, known, false, tailBase,
                            "waiting for the tails of its lists on " + c.name() + " to be recovered");
                }
            }
            if (entries.keySet().stream().noneMatch(c -> qps.getOrDefault(c.index(), QpView.NONE).up())) {
                return new StoreView(spec, agreed, holderNames, known, false, tailBase, null);
            }
        }
        BucketMap map = d.bucketMap(spec);
        for (int bucket = 0; bucket < BucketMap.BUCKETS; bucket++) {
            byTable.get(COLLECTOR_SELECT).add(p4.table(COLLECTOR_SELECT).exact(F_STORE_ID, spec.id()).exact(F_BUCKET, bucket)
                    .action(SET_COLLECTOR).param(P_COLLECTOR, map.collectorIndex(bucket)).build());
        }
        byTable.get(STORES).add(b.build());
        return new StoreView(spec, agreed, holderNames, known, true, tailBase,
                unreachable.isEmpty() ? null : "translator " + t.name() + " does not connect to " + String.join(", ", unreachable)
                        + ": reports in their buckets are dropped (queue_pair_down)");
    }

    /** The keys of every table the controller owns, for deciding what on the switch is stale. */
    static Set<String> ownedTables() {
        return Set.copyOf(TABLE_ORDER);
    }

    static int qpnOf(CollectorSpec c) {
        return TranslatorP4Names.BASE_QPN + c.index();
    }
}
