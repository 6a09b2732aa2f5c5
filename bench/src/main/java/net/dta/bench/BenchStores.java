package net.dta.bench;

import java.util.List;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.reporter.Primitive;

/** The stores every benchmark set-up holds: those of collector/collector.example.yaml (ids 1 to 5). */
final class BenchStores {
    static final List<StoreDefinition> STORES = List.of(
            new StoreDefinition(1, "queue-depth", new KeyWriteLayout(20, 8, 2), false),
            new StoreDefinition(2, "flow-bytes", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 16), false),
            new StoreDefinition(3, "paths", new PostcardLayout(16, 5), false),
            new StoreDefinition(4, "drops", new AppendLayout(4, 16), false),
            new StoreDefinition(5, "heavy-hitters", new CounterLayout(StoreKind.SKETCH, 2, 16), false));

    private BenchStores() {
    }

    /** The store a primitive's reports go to. */
    static StoreDefinition of(Primitive p) {
        return STORES.get(p.ordinal());
    }

    /** How the stores are written in a collector configuration file. */
    static String yaml() {
        return """
                stores:
                  - {name: queue-depth, id: 1, kind: key-write, slots: 2^20, value-bytes: 4, redundancy: 2}
                  - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 2^16}
                  - {name: paths, id: 3, kind: postcard, rows: 2^16, hops: 5}
                  - {name: drops, id: 4, kind: append, lists: 4, entries-per-list: 2^16}
                  - {name: heavy-hitters, id: 5, kind: sketch, rows: 2, columns: 2^16}
                """;
    }
}
