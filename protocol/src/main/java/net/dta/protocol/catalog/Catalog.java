package net.dta.protocol.catalog;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import net.dta.protocol.Bytes;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreFormatException;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;

/** The catalog region a collector exposes for RDMA READ (protocol.md 7.4). */
public record Catalog(long generation, List<CatalogEntry> entries) {
    public static final int HEADER_BYTES = 32;
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "DTACATLG".getBytes(StandardCharsets.US_ASCII);

    public Catalog {
        entries = List.copyOf(entries);
        if (entries.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 stores per catalog");
        }
    }

    public int encodedLength() {
        return HEADER_BYTES + CatalogEntry.BYTES * entries.size();
    }

    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        MemorySegment s = MemorySegment.ofArray(out);
        MemorySegment.copy(MAGIC, 0, s, ValueLayout.JAVA_BYTE, 0, MAGIC.length);
        Bytes.u16(s, 8, VERSION);
        Bytes.u16(s, 10, entries.size());
        Bytes.u16(s, 12, CatalogEntry.BYTES);
        Bytes.u64(s, 16, generation);
        for (int i = 0; i < entries.size(); i++) {
            encodeEntry(entries.get(i), s, HEADER_BYTES + (long) CatalogEntry.BYTES * i);
        }
        CRC32 crc = new CRC32();
        crc.update(out, HEADER_BYTES, out.length - HEADER_BYTES);
        Bytes.u32(s, 24, crc.getValue());
        return out;
    }

    private static void encodeEntry(CatalogEntry e, MemorySegment s, long off) {
        StoreDefinition d = e.definition();
        Bytes.u16(s, off, d.storeId());
        Bytes.u8(s, off + 2, d.kind().code());
        Bytes.u8(s, off + 3, d.flags());
        Bytes.u8(s, off + 4, e.rkeys().length);
        Bytes.u8(s, off + 5, CatalogEntry.LOG2_SEGMENT_BYTES);
        Bytes.u64(s, off + 8, e.va());
        Bytes.u64(s, off + 16, e.length());
        int[] p = d.layout().params();
        for (int i = 0; i < 4; i++) {
            Bytes.u32(s, off + 24 + 4L * i, p[i] & 0xFFFF_FFFFL);
        }
        byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, off + 40, name.length);
        int[] rkeys = e.rkeys();
        for (int i = 0; i < rkeys.length; i++) {
            Bytes.u32(s, off + 64 + 4L * i, rkeys[i] & 0xFFFF_FFFFL);
        }
    }

    /** Decodes and validates; {@link StoreFormatException} says what is wrong. */
    public static Catalog decode(byte[] bytes) {
        MemorySegment s = MemorySegment.ofArray(bytes);
        if (bytes.length < HEADER_BYTES) {
            throw new StoreFormatException("catalog of " + bytes.length + " bytes is shorter than its header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new StoreFormatException("not a DTA catalog (magic is not DTACATLG)");
            }
        }
        int version = Bytes.u16(s, 8);
        if (version != VERSION) {
            throw new StoreFormatException("catalog version " + version + " (this build reads version " + VERSION + ")");
        }
        int count = Bytes.u16(s, 10);
        int entryBytes = Bytes.u16(s, 12);
        if (entryBytes != CatalogEntry.BYTES || bytes.length < HEADER_BYTES + (long) count * entryBytes) {
            throw new StoreFormatException("catalog declares " + count + " entries of " + entryBytes
                    + " bytes but holds " + (bytes.length - HEADER_BYTES) + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER_BYTES, count * CatalogEntry.BYTES);
        if (crc.getValue() != Bytes.u32(s, 24)) {
            throw new StoreFormatException("catalog CRC mismatch (torn or corrupt read)");
        }
        List<CatalogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(decodeEntry(s, HEADER_BYTES + (long) CatalogEntry.BYTES * i, i));
        }
        return new Catalog(Bytes.u64(s, 16), entries);
    }

    private static CatalogEntry decodeEntry(MemorySegment s, long off, int index) {
        StoreKind kind = StoreKind.ofCode(Bytes.u8(s, off + 2));
        if (kind == null) {
            throw new StoreFormatException("catalog entry " + index + ": unknown kind " + Bytes.u8(s, off + 2));
        }
        int segments = Bytes.u8(s, off + 4);
        if (segments < 1 || segments > CatalogEntry.MAX_SEGMENTS || Bytes.u8(s, off + 5) != CatalogEntry.LOG2_SEGMENT_BYTES) {
            throw new StoreFormatException("catalog entry " + index + ": bad segment count/size");
        }
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) {
            p[i] = (int) Bytes.u32(s, off + 24 + 4L * i);
        }
        byte[] nameBytes = new byte[StoreDefinition.NAME_BYTES];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off + 40, nameBytes, 0, nameBytes.length);
        int n = 0;
        while (n < nameBytes.length && nameBytes[n] != 0) {
            n++;
        }
        int[] rkeys = new int[segments];
        for (int i = 0; i < segments; i++) {
            rkeys[i] = (int) Bytes.u32(s, off + 64 + 4L * i);
        }
        try {
            StoreDefinition def = new StoreDefinition(Bytes.u16(s, off), new String(nameBytes, 0, n, StandardCharsets.UTF_8),
                    StoreLayout.of(kind, p[0], p[1], p[2], p[3]), (Bytes.u8(s, off + 3) & 1) != 0);
            return new CatalogEntry(def, Bytes.u64(s, off + 8), Bytes.u64(s, off + 16), rkeys);
        } catch (IllegalArgumentException e) {
            throw new StoreFormatException("catalog entry " + index + ": " + e.getMessage());
        }
    }
}
