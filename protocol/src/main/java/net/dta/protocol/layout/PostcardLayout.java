package net.dta.protocol.layout;

/**
 * Postcard: 2^log2Rows rows of 8 x (hops rounded up to a power of two) bytes; hop h is the 8-byte
 * cell value u32 || check u32 at 8h (protocol.md 4.5).
 */
public record PostcardLayout(int log2Rows, int hops) implements StoreLayout {
    public static final int CELL_BYTES = 8;
    public static final int MAX_HOPS = 8;

    public PostcardLayout {
        LayoutException.log2("log2-rows", log2Rows);
        LayoutException.range("hops", hops, 1, MAX_HOPS);
    }

    @Override
    public StoreKind kind() {
        return StoreKind.POSTCARD;
    }

    public long rows() {
        return 1L << log2Rows;
    }

    public int rowBytes() {
        return CELL_BYTES * Integer.highestOneBit(hops == 1 ? 1 : (hops - 1) << 1);
    }

    public long rowOffset(int rowIndex) {
        return (rowIndex & 0xFFFF_FFFFL) * rowBytes();
    }

    @Override
    public long dataLength() {
        return rows() * rowBytes();
    }

    @Override
    public int[] params() {
        return new int[] {log2Rows, hops, rowBytes(), 0};
    }
}
