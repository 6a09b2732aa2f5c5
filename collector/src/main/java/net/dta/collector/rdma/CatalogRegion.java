package net.dta.collector.rdma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * The memory holding the encoded catalog (protocol.md 7.4), which the controller reads with one
 * RDMA READ after connecting. Written once before registration and never changed while
 * registered: a READ can never see a torn catalog.
 */
public final class CatalogRegion implements AutoCloseable {
    private final Catalog catalog;
    private final Arena arena;
    private final MemorySegment memory;

    public CatalogRegion(long generation, List<CatalogEntry> entries) {
        this.catalog = new Catalog(generation, entries);
        byte[] bytes = catalog.encode();
        this.arena = Arena.ofShared();
        // 8-byte alignment like any registered buffer; the length is exactly the catalog's.
        this.memory = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    public Catalog catalog() {
        return catalog;
    }

    public MemorySegment memory() {
        return memory;
    }

    /** What a REP advertises for this catalog once registered. */
    public net.dta.protocol.catalog.ConnectReplyData replyData(long bootId, RegisteredRegion region) {
        return new net.dta.protocol.catalog.ConnectReplyData(catalog.entries().size(), bootId, catalog.generation(),
                region.va(), region.rkeys()[0], (int) memory.byteSize());
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
