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
