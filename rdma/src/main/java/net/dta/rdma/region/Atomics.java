package net.dta.rdma.region;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import net.dta.protocol.Bytes;

/**
 * 64-bit fetch-and-add on collector memory in a declared byte order (protocol.md 4.4).
 *
 * <p>Why this is atomic for big-endian words on a little-endian host: a segment {@link VarHandle}
 * whose order is not the platform's implements {@code getAndAdd} as a compare-and-set loop over
 * the native word ({@code VarHandleSegmentAsLongs.getAndAddConvEndianWithCAS} in JDK 25: volatile
 * read, byte swap, add, swap back, weak CAS, retry). It is not one {@code LOCK XADD}, but every
 * update is a CAS on the whole aligned word, so concurrent adders never lose an increment
 * ({@code AtomicsTest} checks it under contention). The offset must be 8-byte aligned in a
 * segment that allows 8-byte alignment (native memory); otherwise the handle throws, which
 * callers prevent by checking alignment before.
 */
public final class Atomics {
    private static final VarHandle BIG_ENDIAN = Bytes.ALIGNED_U64_BE.varHandle();
    private static final VarHandle LITTLE_ENDIAN = Bytes.ALIGNED_U64_LE.varHandle();

    private Atomics() {
    }

    /** Atomically adds {@code delta} to the big-endian word at {@code offset}; returns the previous value. */
    public static long fetchAddBigEndian(MemorySegment memory, long offset, long delta) {
        return (long) BIG_ENDIAN.getAndAdd(memory, offset, delta);
    }

    /** The same on a little-endian word (collectors that declare host-order atomics). */
    public static long fetchAddLittleEndian(MemorySegment memory, long offset, long delta) {
        return (long) LITTLE_ENDIAN.getAndAdd(memory, offset, delta);
    }

    /** A volatile read of the big-endian word (for tests and readers that want a single load). */
    public static long loadBigEndian(MemorySegment memory, long offset) {
        return (long) BIG_ENDIAN.getVolatile(memory, offset);
    }

    /** Whether {@code memory} can hold aligned 8-byte atomics (native memory at an aligned address). */
    public static boolean supportsAtomics(MemorySegment memory) {
        return memory.maxByteAlignment() >= Long.BYTES && (memory.address() & (Long.BYTES - 1)) == 0;
    }
}
