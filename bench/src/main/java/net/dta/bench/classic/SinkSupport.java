package net.dta.bench.classic;

import java.util.List;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.Report;

/** What both sinks share: the store table by id and the postcard caches. */
abstract class SinkSupport implements ReportSink {
    /** Postcard cache entries per postcard store (the software translator's default, protocol.md 6.3). */
    static final int POSTCARD_CACHE_LOG2 = 16;
    /** Idle flush of cached postcards (the translator's default flush interval). */
    static final long POSTCARD_FLUSH_NANOS = 1_000_000;
    /** Cache entries examined per {@link #idle} call. */
    private static final int SWEEP_BUDGET = 256;

    final DtaHash hash = new DtaHash();
    final byte[] key = new byte[DtaHash.KEY_BYTES];
    private final StoreDefinition[] stores = new StoreDefinition[0x10000];
    private final PostcardCache[] caches = new PostcardCache[0x10000];
    private final PostcardCache[] cacheList;

    SinkSupport(List<StoreDefinition> definitions) {
        int postcardStores = 0;
        for (StoreDefinition d : definitions) {
            if (stores[d.storeId()] != null) {
                throw new IllegalArgumentException("stores: id " + d.storeId() + " is used twice");
            }
            stores[d.storeId()] = d;
            if (d.layout() instanceof PostcardLayout) {
                postcardStores++;
            }
        }
        cacheList = new PostcardCache[postcardStores];
    }

    /** Creates the postcard caches once the subclass can write rows. */
    final void createCaches() {
        int i = 0;
        for (StoreDefinition d : stores) {
            if (d != null && d.layout() instanceof PostcardLayout) {
                int id = d.storeId();
                caches[id] = new PostcardCache(POSTCARD_CACHE_LOG2, POSTCARD_FLUSH_NANOS,
                        (flowKey, present, values) -> writeRow(id, flowKey, present, values), hash);
                cacheList[i++] = caches[id];
            }
        }
    }

    /** Writes a flow's postcard row into the store. */
    abstract void writeRow(int storeId, byte[] flowKey, int presentHops, int[] values);

    @Override
    public final StoreDefinition store(int storeId) {
        return stores[storeId & 0xFFFF];
    }

    final void postcard(Report r, StoreDefinition store, long now) {
        PostcardLayout layout = (PostcardLayout) store.layout();
        r.copyKey(key);
        int length = r.pathLength() == 0 ? layout.hops() : r.pathLength();
        caches[store.storeId()].add(key, r.hop(), length, r.postcardValue(), now);
    }

    @Override
    public final void idle(long nowNanos) {
        for (PostcardCache c : cacheList) {
            c.sweep(nowNanos, SWEEP_BUDGET);
        }
    }

    @Override
    public final long postcardRows() {
        long sum = 0;
        for (PostcardCache c : cacheList) {
            sum += c.rowsWritten();
        }
        return sum;
    }

    /** Writes every cached postcard row. */
    final void flushCaches() {
        for (PostcardCache c : cacheList) {
            c.flushAll();
        }
    }
}
