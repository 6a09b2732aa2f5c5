package net.dta.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Value layouts for the byte orders this project uses. DTA and RoCEv2 are big-endian: every
 * access names its order here so that a forgotten order cannot happen silently.
 */
public final class Bytes {
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Little-endian 32-bit, for the ICRC field only. */
    public static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Aligned 64-bit words, for atomics and single-load reads of store entries. */
    public static final ValueLayout.OfLong ALIGNED_U64_BE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong ALIGNED_U64_LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    public static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public static void u8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    public static int u16(MemorySegment s, long offset) {
        return s.get(U16, offset) & 0xFFFF;
    }

    public static void u16(MemorySegment s, long offset, int value) {
        s.set(U16, offset, (short) value);
    }

    public static long u32(MemorySegment s, long offset) {
        return s.get(U32, offset) & 0xFFFF_FFFFL;
    }

    public static void u32(MemorySegment s, long offset, long value) {
        s.set(U32, offset, (int) value);
    }

    public static int u24(MemorySegment s, long offset) {
        return (u8(s, offset) << 16) | (u8(s, offset + 1) << 8) | u8(s, offset + 2);
    }

    public static void u24(MemorySegment s, long offset, int value) {
        u8(s, offset, value >>> 16);
        u8(s, offset + 1, value >>> 8);
        u8(s, offset + 2, value);
    }

    public static long u64(MemorySegment s, long offset) {
        return s.get(U64, offset);
    }

    public static void u64(MemorySegment s, long offset, long value) {
        s.set(U64, offset, value);
    }
}
