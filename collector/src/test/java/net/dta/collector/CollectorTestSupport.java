package net.dta.collector;

/** Configuration snippets shared by tests. */
public final class CollectorTestSupport {
    /** The five stores of protocol.md section 10 (VectorStores.DEFINITIONS) as configuration. */
    public static final String VECTOR_STORES = """
            stores:
              - {name: queue-depth, id: 1, kind: key-write, slots: 1024, redundancy: 2}
              - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 1024}
              - {name: paths, id: 3, kind: postcard, rows: 256, hops: 5}
              - {name: drops, id: 4, kind: append, lists: 4, entries-per-list: 16}
              - {name: heavy-hitters, id: 5, kind: sketch, rows: 2, columns: 1024}
            """;

    private CollectorTestSupport() {
    }
}
