package net.dta.bench.classic;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;

/**
 * The store-dependent checks of protocol.md 2.5 (codes 4 to 10), for a collector that receives
 * reports itself. Structure (length, version, opcode) is {@link Report#checkStructure()}'s.
 */
final class StoreChecks {
    private StoreChecks() {
    }

    static DropReason check(Report r, StoreDefinition store) {
        if (store == null) {
            return DropReason.UNKNOWN_STORE;
        }
        if (store.kind().code() != r.opcode()) {
            return DropReason.KIND_MISMATCH;
        }
        return switch (store.layout()) {
            case KeyWriteLayout kw -> r.valueLength() != kw.valueBytes() ? DropReason.BAD_VALUE_LENGTH : DropReason.NONE;
            case CounterLayout c when c.kind() == StoreKind.KEY_INCREMENT ->
                    r.redundancy() > c.rows() ? DropReason.REDUNDANCY_OUT_OF_RANGE : DropReason.NONE;
            case CounterLayout c -> r.row() >= c.rows() || r.column() + r.count() > c.columns()
                    ? DropReason.SKETCH_OUT_OF_RANGE : DropReason.NONE;
            case PostcardLayout p -> r.pathLength() > p.hops() || r.hop() >= (r.pathLength() == 0 ? p.hops() : r.pathLength())
                    ? DropReason.HOP_OUT_OF_RANGE : DropReason.NONE;
            case AppendLayout a -> r.list() >= a.lists() ? DropReason.LIST_OUT_OF_RANGE : DropReason.NONE;
        };
    }
}
