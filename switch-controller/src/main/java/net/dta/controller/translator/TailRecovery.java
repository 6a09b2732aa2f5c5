package net.dta.controller.translator;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.ConnectStep;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.deployment.BucketMap;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.StoreSpec;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.store.AppendStore;
import p4.v1.P4RuntimeOuterClass.Entity;

import static net.dta.p4.TranslatorP4Names.REG_APPEND_TAIL;

/**
 * The Append tails of one translator (protocol.md 6.4): which tail registers each Append store
 * uses ({@link TailAllocator}) and on which collectors its lists' tails are live on the translator
 * (recovered, or found running). Before a store's lists on a collector carry traffic from a
 * translator that lost (or never had) their tails, each list's ring is read through the queue pair
 * and its tail set to the newest entry's sequence. State on the session thread; only
 * {@link #read} runs on a connection worker, and touches none of it.
 */
final class TailRecovery {
    private final TailAllocator tails = new TailAllocator();
    /** (store id << 8 | collector index) whose tails are recovered or live on the translator. */
    private final Set<Long> ready = new HashSet<>();

    /** The rings of one store to read from one collector, into tail registers from {@code base}. */
    record Rings(StoreSpec store, CatalogEntry entry, int base, List<Integer> lists) {
    }

    /** The tail register cells to write, and the rings they came from. */
    record Recovered(List<Rings> rings, List<Entity> cells) {
    }

    TailAllocator allocator() {
        return tails;
    }

    boolean ready(int storeId, int collector) {
        return ready.contains(key(storeId, collector));
    }

    /** A new incarnation of the pipeline: no tails anywhere. */
    void clear() {
        tails.clear();
        ready.clear();
    }

    /** The store is gone or has a new tail base: its registers are free, its tails unknown. */
    void release(int storeId) {
        tails.release(storeId);
        ready.removeIf(k -> (k >>> 8) == storeId);
    }

    /**
     * A running translator holds live tails of a store at {@code base}: keep them (never overwrite
     * them with recovered ones) unless the deployment fixes another base or the range is taken.
     */
    void adopt(Deployment d, int storeId, int base, int lists) {
        StoreSpec s = d.storeById(storeId).orElse(null);
        if (s == null || (s.tailBase() != null && s.tailBase() != base) || !tails.fix(storeId, base, lists)) {
            return;
        }
        for (CollectorSpec c : d.collectorsOf(s)) {
            ready.add(key(storeId, c.index()));
        }
    }

    /**
     * The rings to read from a collector whose catalog was just read: the lists it holds of every
     * Append store on it whose tails are not live, each store with its tail registers (allocated
     * now; a store without room is left out: its status says why, it stays unprogrammed).
     */
    List<Rings> plan(Deployment d, CollectorSpec c, Catalog catalog) {
        List<Rings> out = new ArrayList<>();
        for (StoreSpec s : d.storesOn(c)) {
            if (ready(s.id(), c.index())) {
                continue;
            }
            CatalogEntry e = catalog.entries().stream().filter(x -> x.definition().storeId() == s.id()).findFirst().orElse(null);
            if (e == null || e.definition().kind() != StoreKind.APPEND) {
                continue;
            }
            AppendLayout layout = (AppendLayout) e.definition().layout();
            int base = s.tailBase() != null ? (tails.fix(s.id(), s.tailBase(), layout.lists()) ? s.tailBase() : -1)
                    : tails.allocate(s.id(), layout.lists());
            if (base < 0) {
                continue;
            }
            BucketMap map = d.bucketMap(s);
            List<Integer> lists = new ArrayList<>();
            for (int list = 0; list < layout.lists(); list++) {
                if (map.collectorForList(list).index() == c.index()) {
                    lists.add(list);
                }
            }
            out.add(new Rings(s, e, base, List.copyOf(lists)));
        }
        return out;
    }

    /** Reads the planned rings through the queue pair (blocking: a connection worker) and computes each list's tail. */
    static Recovered read(List<Rings> plan, CmConnector cm, P4Entities p4) throws ConnectException, InterruptedException {
        List<Entity> cells = new ArrayList<>();
        for (Rings r : plan) {
            AppendLayout layout = (AppendLayout) r.entry().definition().layout();
            long ringBytes = layout.entries() * AppendLayout.ENTRY_BYTES;
            for (int list : r.lists()) {
                long offset = layout.entryOffset(list, 0);
                byte[] ring = cm.read(r.entry().va() + offset, r.entry().rkeyFor(offset), ringBytes, ConnectStep.TAIL_RECOVERY);
                long tail = new AppendStore(MemorySegment.ofArray(ring), new AppendLayout(1, layout.log2Entries())).recoverTail(0);
                cells.add(p4.register(REG_APPEND_TAIL, r.base() + list, tail));
            }
        }
        return new Recovered(plan, List.copyOf(cells));
    }

    /** The recovered tails are written: the stores' lists on the collector may carry traffic. */
    void written(Recovered recovered, CollectorSpec c) {
        for (Rings r : recovered.rings()) {
            ready.add(key(r.store().id(), c.index()));
        }
    }

    private static long key(int storeId, int collector) {
        return (long) storeId << 8 | collector;
    }
}
