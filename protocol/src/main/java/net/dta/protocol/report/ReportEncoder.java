package net.dta.protocol.report;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;

/** Writes DTA reports (protocol.md 2.3) into a buffer; each method returns the report's length. */
public final class ReportEncoder {
    private ReportEncoder() {
    }

    private static void base(MemorySegment dst, long off, int opcode, int storeId) {
        Bytes.u8(dst, off, Report.VERSION);
        Bytes.u8(dst, off + 1, opcode);
        Bytes.u16(dst, off + 2, storeId);
    }

    private static void key(MemorySegment dst, long off, byte[] key) {
        if (key.length != DtaHash.KEY_BYTES) {
            throw new IllegalArgumentException("keys are 16 bytes (pad shorter keys with zeros), got " + key.length);
        }
        MemorySegment.copy(key, 0, dst, ValueLayout.JAVA_BYTE, off + Report.KEY_OFFSET, DtaHash.KEY_BYTES);
    }

    public static int keyWrite(MemorySegment dst, long off, int storeId, int redundancy, byte[] key, byte[] value) {
        if (value.length != 4 && value.length != 12 && value.length != 28) {
            throw new IllegalArgumentException("Key-Write values are 4, 12 or 28 bytes, got " + value.length);
        }
        base(dst, off, Report.OPCODE_KEY_WRITE, storeId);
        Bytes.u8(dst, off + 4, redundancy);
        Bytes.u8(dst, off + 5, value.length);
        Bytes.u16(dst, off + 6, 0);
        key(dst, off, key);
        MemorySegment.copy(value, 0, dst, ValueLayout.JAVA_BYTE, off + Report.KEY_WRITE_VALUE_OFFSET, value.length);
        return Report.KEY_WRITE_HEADER_LENGTH + value.length;
    }

    public static int keyIncrement(MemorySegment dst, long off, int storeId, int redundancy, byte[] key, long delta) {
        base(dst, off, Report.OPCODE_KEY_INCREMENT, storeId);
        Bytes.u32(dst, off + 4, (long) redundancy << 24);
        key(dst, off, key);
        Bytes.u64(dst, off + Report.DELTA_OFFSET, delta);
        return Report.KEY_INCREMENT_LENGTH;
    }

    public static int postcard(MemorySegment dst, long off, int storeId, int hop, int pathLength, byte[] flowKey, int value) {
        base(dst, off, Report.OPCODE_POSTCARD, storeId);
        Bytes.u8(dst, off + 4, hop);
        Bytes.u8(dst, off + 5, pathLength);
        Bytes.u16(dst, off + 6, 0);
        key(dst, off, flowKey);
        Bytes.u32(dst, off + Report.POSTCARD_VALUE_OFFSET, value & 0xFFFF_FFFFL);
        return Report.POSTCARD_LENGTH;
    }

    public static int append(MemorySegment dst, long off, int storeId, long list, int value) {
        base(dst, off, Report.OPCODE_APPEND, storeId);
        Bytes.u32(dst, off + Report.LIST_OFFSET, list);
        Bytes.u32(dst, off + Report.APPEND_VALUE_OFFSET, value & 0xFFFF_FFFFL);
        return Report.APPEND_LENGTH;
    }

    public static int sketchMerge(MemorySegment dst, long off, int storeId, int row, long column, int[] deltas, int count) {
        if (count < 1 || count > Report.MAX_SKETCH_COUNTERS) {
            throw new IllegalArgumentException("a Sketch-Merge report carries 1..16 counters, got " + count);
        }
        base(dst, off, Report.OPCODE_SKETCH_MERGE, storeId);
        Bytes.u8(dst, off + 4, row);
        Bytes.u8(dst, off + 5, count);
        Bytes.u16(dst, off + 6, 0);
        Bytes.u32(dst, off + Report.COLUMN_OFFSET, column);
        for (int j = 0; j < count; j++) {
            Bytes.u32(dst, off + Report.DELTAS_OFFSET + 4L * j, deltas[j] & 0xFFFF_FFFFL);
        }
        return Report.SKETCH_MERGE_HEADER_LENGTH + 4 * count;
    }
}
