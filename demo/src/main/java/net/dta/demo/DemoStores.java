package net.dta.demo;

/**
 * The five stores every demo collector holds (one of each primitive), their ids, and the shape of
 * the generated load that fits them. Sizes are laptop-sized: about 35 MiB of sparse files per
 * collector. They never change between runs: a collector refuses to reopen a store file whose
 * layout differs from its configuration.
 */
final class DemoStores {
    static final String QUEUE_DEPTH = "queue-depth";
    static final String FLOW_BYTES = "flow-bytes";
    static final String PATHS = "paths";
    static final String DROPS = "drops";
    static final String HEAVY_HITTERS = "heavy-hitters";

    static final int QUEUE_DEPTH_ID = 1;
    static final int FLOW_BYTES_ID = 2;
    static final int PATHS_ID = 3;
    static final int DROPS_ID = 4;
    static final int HEAVY_HITTERS_ID = 5;

    /** Lists of the Append store: the load spreads its events over lists 0..3, the demo's own events go to list 7. */
    static final int DROPS_LISTS = 8;
    static final int LOAD_LISTS = 4;
    static final int DEMO_EVENTS_LIST = 7;
    /** Append entries per RDMA WRITE (the deployment's append-batch). */
    static final int APPEND_BATCH = 4;
    static final int SKETCH_ROWS = 2;
    static final int SKETCH_LOG2_COLUMNS = 16;

    /** The {@code stores:} section of each collector's configuration (docs/collector.md). */
    static final String COLLECTOR_YAML = """
            stores:
              # key -> latest value (the deepest queue on a flow's path): 2^20 slots, 2 per key
              - {name: queue-depth, id: 1, kind: key-write, slots: 2^20, value-bytes: 4, redundancy: 2}
              # key -> running sum (bytes per flow): a Count-Min sketch of 2 x 2^18 counters
              - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 2^18}
              # flow -> per-hop values along its path (INT postcards), up to 5 hops
              - {name: paths, id: 3, kind: postcard, rows: 2^18, hops: 5}
              # list -> ring of recent events: 8 lists of 2^16 entries
              - {name: drops, id: 4, kind: append, lists: 8, entries-per-list: 2^16}
              # the network-wide merged sketch (packets per flow) that switches ship with Sketch-Merge
              - {name: heavy-hitters, id: 5, kind: sketch, rows: 2, columns: 2^16}
            """;

    private DemoStores() {
    }
}
