package net.dta.protocol.layout;

/**
 * Key-Increment and Sketch: rows x 2^log2Columns 8-byte counters, row-major (protocol.md 4.3, 4.7).
 */
public record CounterLayout(StoreKind kind, int rows, int log2Columns) implements StoreLayout {
    public CounterLayout {
        if (kind != StoreKind.KEY_INCREMENT && kind != StoreKind.SKETCH) {
            throw new LayoutException("kind", "a counter layout is key-increment or sketch, got " + kind);
        }
        LayoutException.range("rows", rows, 1, 8);
        LayoutException.log2("log2-columns", log2Columns);
    }

    public long columns() {
        return 1L << log2Columns;
    }

    public long counterOffset(int row, long column) {
        return (row * columns() + column) * 8;
    }

    @Override
    public long dataLength() {
        return rows * columns() * 8;
    }

    @Override
    public int[] params() {
        return new int[] {rows, log2Columns, rows, 0};
    }
}
