package net.dta.protocol.report;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;

/**
 * Flyweight over one DTA report (protocol.md 2). Wrap it over a received datagram, check it with
 * {@link #checkHeader()} and {@link StoreChecks#check}, then read the fields of its opcode. No allocation.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+-------------------------------+
 * |    version    |    opcode     |           store id            |  base header
 * +---------------+---------------+-------------------------------+
 * | redundancy/hop| vlen/pathlen  |           reserved            |  Key-Write, Key-Increment, Postcard
 * |                          list (Append)                        |
 * | row | count   |   reserved    | column (Sketch-Merge, at 8)   |
 * +---------------------------------------------------------------+
 * |                 key (16 bytes) at 8: Key-Write, Key-Increment, Postcard
 * +---------------------------------------------------------------+
 * | value (4/12/28) | delta u64 | value u32 at 24  / Append value u32 at 8 / deltas at 12
 * </pre>
 */
public final class Report {
    public static final int VERSION = 1;
    public static final int DEFAULT_PORT = 40040;

    public static final int OPCODE_KEY_WRITE = 1;
    public static final int OPCODE_KEY_INCREMENT = 2;
    public static final int OPCODE_POSTCARD = 3;
    public static final int OPCODE_APPEND = 4;
    public static final int OPCODE_SKETCH_MERGE = 5;

    public static final int BASE_LENGTH = 4;
    public static final int VERSION_OFFSET = 0;
    public static final int OPCODE_OFFSET = 1;
    public static final int STORE_ID_OFFSET = 2;

    public static final int REDUNDANCY_OFFSET = 4;
    public static final int VALUE_LENGTH_OFFSET = 5;
    public static final int HOP_OFFSET = 4;
    public static final int PATH_LENGTH_OFFSET = 5;
    public static final int KEY_OFFSET = 8;
    public static final int KEY_WRITE_VALUE_OFFSET = 24;
    public static final int DELTA_OFFSET = 24;
    public static final int POSTCARD_VALUE_OFFSET = 24;
    public static final int LIST_OFFSET = 4;
    public static final int APPEND_VALUE_OFFSET = 8;
    public static final int ROW_OFFSET = 4;
    public static final int COUNT_OFFSET = 5;
    public static final int COLUMN_OFFSET = 8;
    public static final int DELTAS_OFFSET = 12;

    public static final int KEY_WRITE_HEADER_LENGTH = 24;
    public static final int KEY_INCREMENT_LENGTH = 32;
    public static final int POSTCARD_LENGTH = 28;
    public static final int APPEND_LENGTH = 12;
    public static final int SKETCH_MERGE_HEADER_LENGTH = 12;
    public static final int MAX_SKETCH_COUNTERS = 16;
    public static final int MAX_LENGTH = KEY_WRITE_HEADER_LENGTH + 28;

    private MemorySegment segment;
    private long offset;
    private int length;

    public Report wrap(MemorySegment segment, long offset, int length) {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /**
     * Steps 1 to 3 of protocol.md 2.5 (codes 1 to 3): base length, version, opcode, then the
     * primitive's length computed from the fields as sent. The store's checks (codes 4 to 10)
     * come next, in {@link StoreChecks#check}; every receiver calls the two in this order.
     */
    public DropReason checkHeader() {
        if (length < BASE_LENGTH) {
            return DropReason.TRUNCATED;
        }
        if (version() != VERSION) {
            return DropReason.BAD_VERSION;
        }
        int needed = switch (opcode()) {
            case OPCODE_KEY_WRITE -> length < VALUE_LENGTH_OFFSET + 1 ? Integer.MAX_VALUE : KEY_WRITE_HEADER_LENGTH + valueLength();
            case OPCODE_KEY_INCREMENT -> KEY_INCREMENT_LENGTH;
            case OPCODE_POSTCARD -> POSTCARD_LENGTH;
            case OPCODE_APPEND -> APPEND_LENGTH;
            case OPCODE_SKETCH_MERGE -> length < COUNT_OFFSET + 1 ? Integer.MAX_VALUE : SKETCH_MERGE_HEADER_LENGTH + 4 * count();
            default -> -1;
        };
        if (needed < 0) {
            return DropReason.UNKNOWN_OPCODE;
        }
        return length < needed ? DropReason.TRUNCATED : DropReason.NONE;
    }

    /** Bytes this report occupies (valid after a successful header check). */
    public int reportLength() {
        return switch (opcode()) {
            case OPCODE_KEY_WRITE -> KEY_WRITE_HEADER_LENGTH + valueLength();
            case OPCODE_KEY_INCREMENT -> KEY_INCREMENT_LENGTH;
            case OPCODE_POSTCARD -> POSTCARD_LENGTH;
            case OPCODE_APPEND -> APPEND_LENGTH;
            case OPCODE_SKETCH_MERGE -> SKETCH_MERGE_HEADER_LENGTH + 4 * count();
            default -> BASE_LENGTH;
        };
    }

    public int version() {
        return Bytes.u8(segment, offset + VERSION_OFFSET);
    }

    public int opcode() {
        return Bytes.u8(segment, offset + OPCODE_OFFSET);
    }

    public int storeId() {
        return Bytes.u16(segment, offset + STORE_ID_OFFSET);
    }

    /** Key-Write, Key-Increment: 0 = the store's default. */
    public int redundancy() {
        return Bytes.u8(segment, offset + REDUNDANCY_OFFSET);
    }

    /** Key-Write. */
    public int valueLength() {
        return Bytes.u8(segment, offset + VALUE_LENGTH_OFFSET);
    }

    /** Key-Write: value bytes start here (relative to the segment). */
    public long valueOffset() {
        return offset + KEY_WRITE_VALUE_OFFSET;
    }

    /** Key-Write, Key-Increment, Postcard: the key starts here (relative to the segment). */
    public long keyOffset() {
        return offset + KEY_OFFSET;
    }

    public void copyKey(byte[] dst) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + KEY_OFFSET, dst, 0, DtaHash.KEY_BYTES);
    }

    public void copyValue(byte[] dst) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + KEY_WRITE_VALUE_OFFSET, dst, 0, valueLength());
    }

    /** Key-Increment. */
    public long delta() {
        return Bytes.u64(segment, offset + DELTA_OFFSET);
    }

    /** Postcard. */
    public int hop() {
        return Bytes.u8(segment, offset + HOP_OFFSET);
    }

    /** Postcard: 0 = the store's hops. */
    public int pathLength() {
        return Bytes.u8(segment, offset + PATH_LENGTH_OFFSET);
    }

    /** Postcard. */
    public int postcardValue() {
        return segment.get(Bytes.U32, offset + POSTCARD_VALUE_OFFSET);
    }

    /** Append. */
    public long list() {
        return Bytes.u32(segment, offset + LIST_OFFSET);
    }

    /** Append. */
    public int appendValue() {
        return segment.get(Bytes.U32, offset + APPEND_VALUE_OFFSET);
    }

    /** Sketch-Merge. */
    public int row() {
        return Bytes.u8(segment, offset + ROW_OFFSET);
    }

    /** Sketch-Merge. */
    public int count() {
        return Bytes.u8(segment, offset + COUNT_OFFSET);
    }

    /** Sketch-Merge. */
    public long column() {
        return Bytes.u32(segment, offset + COLUMN_OFFSET);
    }

    /** Sketch-Merge: delta j (unsigned 32-bit). */
    public long sketchDelta(int j) {
        return Bytes.u32(segment, offset + DELTAS_OFFSET + 4L * j);
    }
}
