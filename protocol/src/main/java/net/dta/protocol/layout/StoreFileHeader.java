package net.dta.protocol.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import net.dta.protocol.Bytes;

/**
 * The 4096-byte header page of a store file (protocol.md 4.1). The state word is written last;
 * a reader trusts nothing before checking magic, version, CRC and state.
 */
public final class StoreFileHeader {
    public static final int PAGE_BYTES = 4096;
    /**
     * The store format: 2 since the hashes of protocol.md 3 became mix(crc32(key) ^ salt(i)).
     * Version 1 files were filled with the format-1 hashes (CRC-32 of rotated keys); they are refused.
     */
    public static final int VERSION = 2;
    static final int VERSION_FORMAT1_HASHES = 1;
    public static final int STATE_CREATING = 0;
    public static final int STATE_VALID = 1;

    static final byte[] MAGIC = "DTASTORE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION_OFFSET = 8;
    static final int KIND_OFFSET = 10;
    static final int FLAGS_OFFSET = 11;
    static final int STORE_ID_OFFSET = 12;
    static final int DATA_OFFSET_OFFSET = 16;
    static final int DATA_LENGTH_OFFSET = 24;
    static final int PARAMS_OFFSET = 32;
    static final int NAME_OFFSET = 48;
    static final int CREATED_OFFSET = 72;
    static final int CRC_OFFSET = 80;
    static final int STATE_OFFSET = 84;

    private StoreFileHeader() {
    }

    /** A decoded, validated header. */
    public record Contents(StoreDefinition definition, long dataOffset, long dataLength, long createdMillis) {
    }

    /** Writes everything but the state word (left 0 = creating). Call {@link #markValid} after the data area exists. */
    public static void write(MemorySegment page, StoreDefinition def, long createdMillis) {
        page.asSlice(0, PAGE_BYTES).fill((byte) 0);
        MemorySegment.copy(MAGIC, 0, page, ValueLayout.JAVA_BYTE, 0, MAGIC.length);
        Bytes.u16(page, VERSION_OFFSET, VERSION);
        Bytes.u8(page, KIND_OFFSET, def.kind().code());
        Bytes.u8(page, FLAGS_OFFSET, def.flags());
        Bytes.u16(page, STORE_ID_OFFSET, def.storeId());
        Bytes.u64(page, DATA_OFFSET_OFFSET, PAGE_BYTES);
        Bytes.u64(page, DATA_LENGTH_OFFSET, def.layout().dataLength());
        int[] p = def.layout().params();
        for (int i = 0; i < 4; i++) {
            Bytes.u32(page, PARAMS_OFFSET + 4L * i, p[i] & 0xFFFF_FFFFL);
        }
        byte[] name = def.name().getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(name, 0, page, ValueLayout.JAVA_BYTE, NAME_OFFSET, name.length);
        Bytes.u64(page, CREATED_OFFSET, createdMillis);
        Bytes.u32(page, CRC_OFFSET, crc(page));
    }

    /** The release store that makes the file valid. */
    public static void markValid(MemorySegment page) {
        ValueLayout.JAVA_INT.withOrder(java.nio.ByteOrder.BIG_ENDIAN).varHandle()
                .setRelease(page, (long) STATE_OFFSET, STATE_VALID);
    }

    /**
     * Decodes and validates; throws {@link StoreFormatException} with the reason (wrong magic,
     * version, CRC, state, or layout) so a caller can name the file.
     */
    public static Contents read(MemorySegment page) {
        if (page.byteSize() < PAGE_BYTES) {
            throw new StoreFormatException("shorter than the 4096-byte header (" + page.byteSize() + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (page.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new StoreFormatException("not a DTA store file (magic is not DTASTORE)");
            }
        }
        int version = Bytes.u16(page, VERSION_OFFSET);
        if (version == VERSION_FORMAT1_HASHES) {
            throw new StoreFormatException("store file version 1 was filled with the format-1 hashes (CRC-32 of rotated keys); "
                    + "this build (store format " + VERSION + ", protocol.md 3) would look its keys up in the wrong slots, so it "
                    + "does not read it (a build of store format 1 still can)");
        }
        if (version != VERSION) {
            throw new StoreFormatException("store file version " + version + " (this build reads version " + VERSION + ")");
        }
        int state = (int) ValueLayout.JAVA_INT.withOrder(java.nio.ByteOrder.BIG_ENDIAN).varHandle()
                .getAcquire(page, (long) STATE_OFFSET);
        if (state != STATE_VALID) {
            throw new StoreFormatException("store file was never completed (state " + state + "): creation was interrupted");
        }
        if (Bytes.u32(page, CRC_OFFSET) != crc(page)) {
            throw new StoreFormatException("header CRC mismatch: the header is corrupt");
        }
        StoreKind kind = StoreKind.ofCode(Bytes.u8(page, KIND_OFFSET));
        if (kind == null) {
            throw new StoreFormatException("unknown store kind " + Bytes.u8(page, KIND_OFFSET));
        }
        int flags = Bytes.u8(page, FLAGS_OFFSET);
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) {
            p[i] = (int) Bytes.u32(page, PARAMS_OFFSET + 4L * i);
        }
        byte[] nameBytes = new byte[StoreDefinition.NAME_BYTES];
        MemorySegment.copy(page, ValueLayout.JAVA_BYTE, NAME_OFFSET, nameBytes, 0, nameBytes.length);
        int nameLength = 0;
        while (nameLength < nameBytes.length && nameBytes[nameLength] != 0) {
            nameLength++;
        }
        StoreDefinition def;
        try {
            def = new StoreDefinition(Bytes.u16(page, STORE_ID_OFFSET),
                    new String(nameBytes, 0, nameLength, StandardCharsets.UTF_8),
                    StoreLayout.of(kind, p[0], p[1], p[2], p[3]), (flags & 1) != 0);
        } catch (LayoutException e) {
            throw new StoreFormatException("invalid layout in header: " + e.getMessage());
        }
        long dataOffset = Bytes.u64(page, DATA_OFFSET_OFFSET);
        long dataLength = Bytes.u64(page, DATA_LENGTH_OFFSET);
        if (dataOffset != PAGE_BYTES || dataLength != def.layout().dataLength()) {
            throw new StoreFormatException("data area " + dataOffset + "+" + dataLength
                    + " does not match the layout (" + PAGE_BYTES + "+" + def.layout().dataLength() + ")");
        }
        return new Contents(def, dataOffset, dataLength, Bytes.u64(page, CREATED_OFFSET));
    }

    private static long crc(MemorySegment page) {
        CRC32 crc = new CRC32();
        crc.update(page.asSlice(0, CRC_OFFSET).asByteBuffer());
        return crc.getValue();
    }
}
