package net.dta.collector.store;

import java.lang.foreign.MemorySegment;
import java.util.List;

import net.dta.protocol.Keys;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.PostcardStore;

/** Postcard path queries (protocol.md 4.5): every hop of a flow's row, each with its own validity. */
public final class PostcardReader implements StoreReader {
    private final StoreDefinition definition;
    private final PostcardStore store;

    PostcardReader(StoreDefinition definition, MemorySegment data) {
        this.definition = definition;
        this.store = new PostcardStore(data, (PostcardLayout) definition.layout());
    }

    @Override
    public StoreDefinition definition() {
        return definition;
    }

    public PostcardLayout layout() {
        return store.layout();
    }

    /** Hops 0..hops-1; a hop is valid only when its check proves it was written for this flow. */
    public List<PostcardStore.Hop> path(byte[] flowKey) {
        Keys.check(flowKey);
        return store.path(flowKey);
    }

    /** Rows with at least one non-zero cell (scans the whole store). */
    public long occupiedRows() {
        return store.occupiedRows();
    }
}
