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
 * action parameters of translator-control.md 1 are the store's {@link #layout} (the protocol's
 * layout class owns sizes, offsets and the store checks; the P4Runtime service accepts only
 * parameters a layout accepts) plus what only a translator has: an Append store's batch and
 * first tail register. {@link #kind} is the opcode of the store's primitive (protocol.md 2.2).
 */
public final class StoreConfig {
    public final int storeId;
    public final int kind;
    public final StoreLayout layout;
    /** Append: entries per WRITE. */
    public final int batch;
    /** Append: the tail register of list 0. */
    public final int tailBase;

    private StoreConfig(int storeId, StoreLayout layout, int batch, int tailBase) {
        this.storeId = storeId;
        this.kind = layout.kind().code();
        this.layout = layout;
        this.batch = batch;
        this.tailBase = tailBase;
    }

    /** @param slotBytes must match the layout's (the P4Runtime service checks it). */
    public static StoreConfig keyWrite(int storeId, int log2Slots, int slotBytes, int defaultRedundancy) {
        return new StoreConfig(storeId, new KeyWriteLayout(log2Slots, slotBytes, defaultRedundancy), 0, 0);
    }

    public static StoreConfig keyIncrement(int storeId, int rows, int log2Columns) {
        return new StoreConfig(storeId, new CounterLayout(StoreKind.KEY_INCREMENT, rows, log2Columns), 0, 0);
    }

    /** The table entry's row bytes are the layout's (the P4Runtime service accepts no other). */
    public static StoreConfig postcard(int storeId, int log2Rows, int hops) {
        return new StoreConfig(storeId, new PostcardLayout(log2Rows, hops), 0, 0);
    }

    public static StoreConfig append(int storeId, long lists, int log2Entries, int batch, int tailBase) {
        return new StoreConfig(storeId, new AppendLayout((int) lists, log2Entries), batch, tailBase);
    }

    public static StoreConfig sketch(int storeId, int rows, int log2Columns) {
        return new StoreConfig(storeId, new CounterLayout(StoreKind.SKETCH, rows, log2Columns), 0, 0);
    }

    @Override
    public String toString() {
        String batching = kind == Report.OPCODE_APPEND ? ", batch " + batch + ", tails from " + tailBase : "";
        return layout.kind().configName() + " " + layout.describe() + batching;
    }
}
