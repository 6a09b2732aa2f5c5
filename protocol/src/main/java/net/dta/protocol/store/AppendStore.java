package net.dta.protocol.store;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.Bytes;
import net.dta.protocol.layout.AppendLayout;

/**
 * Append rings (protocol.md 4.6, 6.4): entry encoding and the reader that never returns an
 * overwritten entry.
 */
public final class AppendStore {
    /**
     * The largest reader position: 2^53 - 1, the largest integer every JSON reader keeps exact
     * (a list at 10^9 entries/s takes 104 days to get there); positions never overflow a long.
     */
    public static final long MAX_POSITION = (1L << 53) - 1;

    private final MemorySegment data;
    private final AppendLayout layout;

    public AppendStore(MemorySegment data, AppendLayout layout) {
        if (data.byteSize() < layout.dataLength()) {
            throw new IllegalArgumentException("data area of " + data.byteSize() + " bytes, layout needs " + layout.dataLength());
        }
        this.data = data;
        this.layout = layout;
    }

    public AppendLayout layout() {
        return layout;
    }

    /** The entry word for position p: sequence (p + 1) mod 2^32 in the high half, the value in the low half. */
    public static long entryWord(long position, int value) {
        return ((position + 1) << 32) | (value & 0xFFFF_FFFFL);
    }

    /** Writes the 8-byte entry of position p at dst[dstOffset]. */
    public static void encodeEntry(long position, int value, MemorySegment dst, long dstOffset) {
        Bytes.u64(dst, dstOffset, entryWord(position, value));
    }

    /** Receives entries during {@link #read}. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long position, long value);
    }

    /**
     * Reads up to max entries of the list starting at position; returns the next position to read
     * and how many entries were skipped because the writer overwrote them.
     */
    public ReadResult read(int list, long position, int max, EntryConsumer consumer) {
        if (list < 0 || list >= layout.lists()) {
            throw new IllegalArgumentException("list " + list + " is outside 0.." + (layout.lists() - 1));
        }
        if (position < 0 || position > MAX_POSITION) {
            throw new IllegalArgumentException("position " + position + " is outside 0.." + MAX_POSITION);
        }
        long entries = layout.entries();
        long overrun = 0;
        int delivered = 0;
        long p = position;
        while (delivered < max) {
            long word = (long) Bytes.ALIGNED_U64_BE.varHandle().getAcquire(data, layout.entryOffset(list, p));
            int sequence = (int) (word >>> 32);
            int expected = (int) (p + 1);
            int d = sequence - expected;
            if (d == 0 && expected == 0 && !previousIsLastOfEpoch(list, p)) {
                // Sequence 0 is also what a never-written slot holds (protocol.md 4.6): entry
                // p = 2^32 - 1 (mod 2^32) counts as written only behind entry p - 1 (sequence 2^32 - 1).
                break;
            }
            if (d == 0) {
                consumer.accept(p, word & 0xFFFF_FFFFL);
                delivered++;
                p++;
            } else if (sequence != 0 && d > 0) {
                long oldest = p + d - entries + 1;
                overrun += oldest - p;
                p = oldest;
            } else {
                break;
            }
        }
        return new ReadResult(p, overrun, delivered);
    }

    /** Whether the slot of p - 1 holds exactly entry p - 1 with sequence 2^32 - 1. */
    private boolean previousIsLastOfEpoch(int list, long p) {
        long word = (long) Bytes.ALIGNED_U64_BE.varHandle().getAcquire(data, layout.entryOffset(list, p - 1));
        return (int) (word >>> 32) == -1;
    }

    /** Convenience form that collects the entries. */
    public Batch read(int list, long position, int max) {
        List<Entry> out = new ArrayList<>();
        ReadResult r = read(list, position, max, (pos, value) -> out.add(new Entry(pos, value)));
        return new Batch(List.copyOf(out), r.next(), r.overrun());
    }

    public record ReadResult(long next, long overrun, int delivered) {
    }

    public record Entry(long position, long value) {
    }

    public record Batch(List<Entry> entries, long next, long overrun) {
    }

    /**
     * The newest position + 1 found in a list's ring, 0 for an empty ring: the tail a translator
     * restores (protocol.md 6.4). Reads the whole ring.
     */
    public long recoverTail(int list) {
        long entries = layout.entries();
        int newest = 0;
        boolean any = false;
        for (long i = 0; i < entries; i++) {
            int sequence = (int) (data.get(Bytes.U64, layout.entryOffset(list, i)) >>> 32);
            if (sequence == 0) {
                continue;
            }
            if (!any || sequence - newest > 0) {
                newest = sequence;
                any = true;
            }
        }
        return any ? newest & 0xFFFF_FFFFL : 0;
    }
}
