package net.dta.collector.store;

import net.dta.protocol.layout.StoreDefinition;

/**
 * Typed read access to one store's data area. Readers never write and never block the RDMA
 * path: they read the mapped memory with the aligned loads protocol.md prescribes. All readers
 * are safe for concurrent use.
 */
public sealed interface StoreReader permits KeyWriteReader, CounterReader, PostcardReader, AppendReader {
    StoreDefinition definition();

    default String name() {
        return definition().name();
    }
}
