package net.dta.protocol.layout;

/**
 * The memory layout of one store's data area (protocol.md section 4). The four parameter words
 * p0..p3 are what store headers and catalog entries carry.
 */
public sealed interface StoreLayout permits KeyWriteLayout, CounterLayout, PostcardLayout, AppendLayout {
    StoreKind kind();

    /** Bytes of the data area. */
    long dataLength();

    int[] params();

    /** The one description of a layout, for status, listings and errors: e.g. {@code 2^20 slots x 8 B, redundancy 2}. */
    default String describe() {
        return switch (this) {
            case KeyWriteLayout k -> "2^" + k.log2Slots() + " slots x " + k.slotBytes() + " B, redundancy " + k.defaultRedundancy();
            case CounterLayout c -> c.rows() + " rows x 2^" + c.log2Columns() + " columns";
            case PostcardLayout p -> "2^" + p.log2Rows() + " rows x " + p.hops() + " hops (" + p.rowBytes() + " B rows)";
            case AppendLayout a -> a.lists() + " lists x 2^" + a.log2Entries() + " entries";
        };
    }

    /** Rebuilds a layout from its kind and parameter words; throws {@link LayoutException} naming the bad one. */
    static StoreLayout of(StoreKind kind, int p0, int p1, int p2, int p3) {
        return switch (kind) {
            case KEY_WRITE -> new KeyWriteLayout(p0, p1, p2);
            case KEY_INCREMENT, SKETCH -> new CounterLayout(kind, p0, p1);
            case POSTCARD -> new PostcardLayout(p0, p1);
            case APPEND -> new AppendLayout(p0, p1);
        };
    }
}
