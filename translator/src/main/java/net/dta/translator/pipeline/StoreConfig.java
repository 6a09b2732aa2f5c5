package net.dta.translator.pipeline;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;
import net.dta.protocol.report.Report;

/**
 * One entry of {@code Ingress.dta_stores}: what a store id is, as the data plane reads it. The
 * fields mirror the action parameters of translator-control.md 1; {@link #kind} is the opcode of
 * the store's primitive (protocol.md 2.2). {@link #layout} owns the offsets and the store checks
 * (the P4Runtime service accepts only parameters a layout accepts).
 */
public final class StoreConfig {
    public final int storeId;
    public final int kind;
    /** log2 slots (Key-Write), columns (counters), rows (Postcard), entries per list (Append). */
    public final int log2Size;
    /** Slot bytes (Key-Write) or row bytes (Postcard). */
    public final int unitBytes;
    /** Default redundancy (Key-Write), rows (counters), hops (Postcard). */
    public final int defaultN;
    /** Append: lists, batch entries, first tail register. */
    public final long lists;
    public final int batch;
    public final int tailBase;
    public final StoreLayout layout;

    private StoreConfig(StoreLayout layout, int storeId, int kind, int log2Size, int unitBytes, int defaultN, long lists, int batch,
                        int tailBase) {
        this.storeId = storeId;
        this.kind = kind;
        this.log2Size = log2Size;
        this.unitBytes = unitBytes;
        this.defaultN = defaultN;
        this.lists = lists;
        this.batch = batch;
        this.tailBase = tailBase;
        this.layout = layout;
    }

    public static StoreConfig keyWrite(int storeId, int log2Slots, int slotBytes, int defaultRedundancy) {
        return new StoreConfig(new KeyWriteLayout(log2Slots, slotBytes, defaultRedundancy),
                storeId, Report.OPCODE_KEY_WRITE, log2Slots, slotBytes, defaultRedundancy, 0, 0, 0);
    }

    public static StoreConfig keyIncrement(int storeId, int rows, int log2Columns) {
        return new StoreConfig(new CounterLayout(StoreKind.KEY_INCREMENT, rows, log2Columns),
                storeId, Report.OPCODE_KEY_INCREMENT, log2Columns, 8, rows, 0, 0, 0);
    }

    public static StoreConfig postcard(int storeId, int log2Rows, int hops, int rowBytes) {
        return new StoreConfig(new PostcardLayout(log2Rows, hops),
                storeId, Report.OPCODE_POSTCARD, log2Rows, rowBytes, hops, 0, 0, 0);
    }

    public static StoreConfig append(int storeId, long lists, int log2Entries, int batch, int tailBase) {
        return new StoreConfig(new AppendLayout((int) lists, log2Entries),
                storeId, Report.OPCODE_APPEND, log2Entries, 8, 0, lists, batch, tailBase);
    }

    public static StoreConfig sketch(int storeId, int rows, int log2Columns) {
        return new StoreConfig(new CounterLayout(StoreKind.SKETCH, rows, log2Columns),
                storeId, Report.OPCODE_SKETCH_MERGE, log2Columns, 8, rows, 0, 0, 0);
    }

    /** Ring entries per Append list, or slots/columns/rows. */
    public long size() {
        return 1L << log2Size;
    }

    @Override
    public String toString() {
        String batching = kind == Report.OPCODE_APPEND ? ", batch " + batch + ", tails from " + tailBase : "";
        return layout.kind().configName() + " " + layout.describe() + batching;
    }
}
