package net.dta.protocol.store;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.CounterLayout;

/**
 * Key-Increment and Sketch stores (protocol.md 4.3, 4.4, 4.7): counter addressing and the
 * Count-Min estimate. Counters are 64-bit words in the byte order the collector declared.
 */
public final class CounterStore {
    private final MemorySegment data;
    private final CounterLayout layout;
    private final boolean littleEndian;

    public CounterStore(MemorySegment data, CounterLayout layout, boolean littleEndian) {
        if (data.byteSize() < layout.dataLength()) {
            throw new IllegalArgumentException("data area of " + data.byteSize() + " bytes, layout needs " + layout.dataLength());
        }
        this.data = data;
        this.layout = layout;
        this.littleEndian = littleEndian;
    }

    public CounterLayout layout() {
        return layout;
    }

    /** Data offset of the key's counter in row r. */
    public static long counterOffset(DtaHash hash, CounterLayout layout, byte[] key, int row) {
        return layout.counterOffset(row, hash.index(key, row, layout.log2Columns()));
    }

    public long counter(int row, long column) {
        long off = layout.counterOffset(row, column);
        return (long) (littleEndian ? Bytes.ALIGNED_U64_LE : Bytes.ALIGNED_U64_BE).varHandle().getAcquire(data, off);
    }

    /** Minimum over the first {@code rows} rows of the key's counters (unsigned). */
    public long estimate(byte[] key, int rows) {
        DtaHash hash = Hashes.get();
        long min = -1L;
        int keyHash = hash.keyHash(key);
        for (int r = 0; r < rows; r++) {
            long v = counter(r, DtaHash.index(keyHash, r, layout.log2Columns()));
            if (Long.compareUnsigned(v, min) < 0) {
                min = v;
            }
        }
        return min;
    }

    public long estimate(byte[] key) {
        return estimate(key, layout.rows());
    }

    /** Counters that are not zero, for fill statistics. */
    public long nonZeroCounters() {
        long n = 0;
        for (long off = 0; off < layout.dataLength(); off += 8) {
            if (data.get(Bytes.U64, off) != 0) {
                n++;
            }
        }
        return n;
    }
}
