package net.dta.translator.pipeline;

import net.dta.protocol.report.Report;

/**
 * One entry of {@code Ingress.dta_stores}: what a store id is, as the data plane reads it. The
 * fields mirror the action parameters of translator-control.md 1; {@link #kind} is the opcode of
 * the store's primitive (protocol.md 2.2).
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

    private StoreConfig(int storeId, int kind, int log2Size, int unitBytes, int defaultN, long lists, int batch,
                        int tailBase) {
        this.storeId = storeId;
        this.kind = kind;
        this.log2Size = log2Size;
        this.unitBytes = unitBytes;
        this.defaultN = defaultN;
        this.lists = lists;
        this.batch = batch;
        this.tailBase = tailBase;
    }

    public static StoreConfig keyWrite(int storeId, int log2Slots, int slotBytes, int defaultRedundancy) {
        return new StoreConfig(storeId, Report.OPCODE_KEY_WRITE, log2Slots, slotBytes, defaultRedundancy, 0, 0, 0);
    }

    public static StoreConfig keyIncrement(int storeId, int rows, int log2Columns) {
        return new StoreConfig(storeId, Report.OPCODE_KEY_INCREMENT, log2Columns, 8, rows, 0, 0, 0);
    }

    public static StoreConfig postcard(int storeId, int log2Rows, int hops, int rowBytes) {
        return new StoreConfig(storeId, Report.OPCODE_POSTCARD, log2Rows, rowBytes, hops, 0, 0, 0);
    }

    public static StoreConfig append(int storeId, long lists, int log2Entries, int batch, int tailBase) {
        return new StoreConfig(storeId, Report.OPCODE_APPEND, log2Entries, 8, 0, lists, batch, tailBase);
    }

    public static StoreConfig sketch(int storeId, int rows, int log2Columns) {
        return new StoreConfig(storeId, Report.OPCODE_SKETCH_MERGE, log2Columns, 8, rows, 0, 0, 0);
    }

    /** Ring entries per Append list, or slots/columns/rows. */
    public long size() {
        return 1L << log2Size;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case Report.OPCODE_KEY_WRITE -> "key-write 2^" + log2Size + " x " + unitBytes + " B, redundancy " + defaultN;
            case Report.OPCODE_KEY_INCREMENT -> "key-increment " + defaultN + " x 2^" + log2Size;
            case Report.OPCODE_POSTCARD -> "postcard 2^" + log2Size + " rows, " + defaultN + " hops, " + unitBytes + " B rows";
            case Report.OPCODE_APPEND -> "append " + lists + " lists x 2^" + log2Size + ", batch " + batch + ", tails from "
                    + tailBase;
            default -> "sketch " + defaultN + " x 2^" + log2Size;
        };
    }
}
