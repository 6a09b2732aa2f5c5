package net.dta.protocol.layout;

/**
 * Append: lists rings of 2^log2Entries entries of 8 bytes, sequence u32 || value u32 (protocol.md 4.6).
 */
public record AppendLayout(int lists, int log2Entries) implements StoreLayout {
    public static final int ENTRY_BYTES = 8;
    public static final int MAX_LISTS = 1 << 24;

    public AppendLayout {
        LayoutException.range("lists", lists, 1, MAX_LISTS);
        LayoutException.log2("log2-entries", log2Entries);
    }

    @Override
    public StoreKind kind() {
        return StoreKind.APPEND;
    }

    public long entries() {
        return 1L << log2Entries;
    }

    /** Offset of entry {@code position} of {@code list}; positions count from the list's first entry. */
    public long entryOffset(long list, long position) {
        return (list * entries() + (position & (entries() - 1))) * ENTRY_BYTES;
    }

    @Override
    public long dataLength() {
        return lists * entries() * ENTRY_BYTES;
    }

    @Override
    public int[] params() {
        return new int[] {lists, log2Entries, 0, 0};
    }
}
