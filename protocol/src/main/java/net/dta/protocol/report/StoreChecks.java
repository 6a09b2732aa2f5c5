package net.dta.protocol.report;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;

/**
 * Steps 4 and 5 of protocol.md 2.5 (codes 4 to 10): the checks against the report's store, for
 * every receiver (the translators and the classic baseline), after {@link Report#checkHeader()}.
 * No allocation.
 */
public final class StoreChecks {
    /** Per opcode, the largest store protocol.md allows (Key-Write: per value length 4, 12, 28). */
    private static final StoreLayout[] WIDEST = {null, null, new CounterLayout(StoreKind.KEY_INCREMENT, 8, 29),
        new PostcardLayout(29, PostcardLayout.MAX_HOPS), new AppendLayout(AppendLayout.MAX_LISTS, 29),
        new CounterLayout(StoreKind.SKETCH, 8, 29)};
    private static final KeyWriteLayout[] WIDEST_KEY_WRITE = {KeyWriteLayout.forValueBytes(29, 4, 8),
        KeyWriteLayout.forValueBytes(29, 12, 8), KeyWriteLayout.forValueBytes(29, 28, 8)};

    private StoreChecks() {
    }

    /**
     * All of protocol.md 2.5's checks up to code 10 for a receiver that knows no stores (a
     * capture, a test): the header, then the store checks against the largest store of the
     * report's kind, so only the protocol's fixed limits apply.
     */
    public static DropReason checkLimits(Report r) {
        DropReason header = r.checkHeader();
        if (header != DropReason.NONE) {
            return header;
        }
        StoreLayout widest = WIDEST[r.opcode()];
        if (r.opcode() == Report.OPCODE_KEY_WRITE) {
            int v = r.valueLength();
            widest = WIDEST_KEY_WRITE[v == 28 ? 2 : v == 12 ? 1 : 0];
        }
        return check(r, widest);
    }

    /**
     * @param r      a report whose header check passed
     * @param layout the layout of the store the report names, null when no such store is configured
     */
    public static DropReason check(Report r, StoreLayout layout) {
        if (layout == null) {
            return DropReason.UNKNOWN_STORE;
        }
        if (layout.kind().code() != r.opcode()) {
            return DropReason.KIND_MISMATCH;
        }
        // The opcode names the layout's class (kind checked above): a switch on it is a table jump.
        return switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> keyWrite(r, (KeyWriteLayout) layout);
            case Report.OPCODE_KEY_INCREMENT -> keyIncrement(r, (CounterLayout) layout);
            case Report.OPCODE_POSTCARD -> postcard(r, (PostcardLayout) layout);
            case Report.OPCODE_APPEND -> r.list() >= ((AppendLayout) layout).lists() ? DropReason.LIST_OUT_OF_RANGE : DropReason.NONE;
            default -> sketchMerge(r, (CounterLayout) layout);
        };
    }

    /** The store's value length (4, 12 or 28, so also the fixed rule), then redundancy at most 8. */
    private static DropReason keyWrite(Report r, KeyWriteLayout kw) {
        if (r.valueLength() != kw.valueBytes()) {
            return DropReason.BAD_VALUE_LENGTH;
        }
        return r.redundancy() > DtaHash.MAX_REPLICAS ? DropReason.REDUNDANCY_OUT_OF_RANGE : DropReason.NONE;
    }

    /** Redundancy at most 8 and at most the store's rows (0 = the store's). */
    private static DropReason keyIncrement(Report r, CounterLayout c) {
        return r.redundancy() > DtaHash.MAX_REPLICAS || r.redundancy() > c.rows() ? DropReason.REDUNDANCY_OUT_OF_RANGE : DropReason.NONE;
    }

    /** Path length at most the store's hops (0 = the store's), hop below the path length. */
    private static DropReason postcard(Report r, PostcardLayout p) {
        int hops = r.pathLength() == 0 ? p.hops() : r.pathLength();
        return r.hop() >= hops || r.pathLength() > p.hops() ? DropReason.HOP_OUT_OF_RANGE : DropReason.NONE;
    }

    /** A row of the store, 1..16 counters inside the row and inside one 16-column block. */
    private static DropReason sketchMerge(Report r, CounterLayout c) {
        int count = r.count();
        long column = r.column();
        return r.row() >= c.rows() || count == 0 || count > Report.MAX_SKETCH_COUNTERS
                || column + count > c.columns() || (column & 15) + count > 16
                ? DropReason.SKETCH_OUT_OF_RANGE : DropReason.NONE;
    }
}
