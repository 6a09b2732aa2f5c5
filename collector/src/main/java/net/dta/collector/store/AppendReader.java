package net.dta.collector.store;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.AppendStore;

/**
 * Append ring readers (protocol.md 4.6). A caller keeps its own position per list and passes it
 * back; entries the writer overwrote before they were read are counted in {@code overrun}, never
 * returned.
 */
public final class AppendReader implements StoreReader {
    private final StoreDefinition definition;
    private final AppendStore store;

    AppendReader(StoreDefinition definition, MemorySegment data) {
        this.definition = definition;
        this.store = new AppendStore(data, (AppendLayout) definition.layout());
    }

    @Override
    public StoreDefinition definition() {
        return definition;
    }

    public AppendLayout layout() {
        return store.layout();
    }

    /** Up to max entries of the list from position on; {@code next()} is where to continue. */
    public AppendStore.Batch read(int list, long position, int max) {
        checkList(list);
        if (position < 0 || max < 0) {
            throw new IllegalArgumentException("position and max must not be negative");
        }
        return store.read(list, position, max);
    }

    /** Allocation-free form: entries go to the consumer. */
    public AppendStore.ReadResult read(int list, long position, int max, AppendStore.EntryConsumer consumer) {
        checkList(list);
        return store.read(list, position, max, consumer);
    }

    /**
     * Position after the newest entry in the list's ring (0 when empty), modulo 2^32. Reads the whole
     * ring; a reader that wants only new entries starts here.
     */
    public long tail(int list) {
        checkList(list);
        return store.recoverTail(list);
    }

    /**
     * The position of the oldest entry still in the ring, given the tail: where a reader that wants
     * everything still available starts.
     */
    public long oldest(int list) {
        long tail = tail(list);
        return Math.max(0, tail - store.layout().entries());
    }

    private void checkList(int list) {
        if (list < 0 || list >= store.layout().lists()) {
            throw new IllegalArgumentException("list must be 0.." + (store.layout().lists() - 1) + ", got " + list);
        }
    }
}
