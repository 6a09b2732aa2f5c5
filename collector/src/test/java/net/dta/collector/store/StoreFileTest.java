package net.dta.collector.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.Bytes;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreFileHeader;
import net.dta.testkit.ProtocolVectors;

class StoreFileTest {
    @TempDir
    Path dir;

    final StoreDefinition kw = VectorStores.DEFINITIONS.get(0);

    @Test
    void createsASparseFileWithAValidHeaderPage() throws Exception {
        try (StoreFile f = StoreFile.openOrCreate(dir, kw, "collector.yaml")) {
            assertTrue(f.created());
            assertEquals(4096 + 8192, Files.size(f.path()));
            assertEquals(8192, f.data().byteSize());
        }
        StoreFileHeader.Contents h = StoreFile.readHeader(dir.resolve("queue-depth.dta"));
        assertEquals(kw, h.definition());
        assertFalse(Files.exists(dir.resolve("queue-depth.dta.new")), "the temporary file was renamed into place");
    }

    @Test
    void theHeaderPageMatchesTheProtocolVectorButForTheCreationTime() throws Exception {
        try (StoreFile ignored = StoreFile.openOrCreate(dir, kw, "collector.yaml")) {
            // created now: compare everything but created (72..79) and the CRC that covers it (80..83)
        }
        byte[] page = new byte[88];
        try (FileChannel ch = FileChannel.open(dir.resolve("queue-depth.dta"))) {
            ch.read(ByteBuffer.wrap(page));
        }
        byte[] expected = ProtocolVectors.load().get("store-header").bytes();
        assertArrayEquals(java.util.Arrays.copyOf(expected, 72), java.util.Arrays.copyOf(page, 72));
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 84, 88), java.util.Arrays.copyOfRange(page, 84, 88), "state = 1");
    }

    @Test
    void reopeningKeepsTheData() throws Exception {
        try (StoreFile f = StoreFile.openOrCreate(dir, kw, "collector.yaml")) {
            f.data().set(Bytes.U64, 8184, 0x1122334455667788L);
        }
        try (StoreFile f = StoreFile.openOrCreate(dir, kw, "collector.yaml")) {
            assertFalse(f.created());
            assertEquals(0x1122334455667788L, f.data().get(Bytes.U64, 8184));
        }
    }

    @Test
    void aLayoutMismatchIsRefusedNamingBothAndTheFixAndChangesNothing() throws Exception {
        try (StoreFile f = StoreFile.openOrCreate(dir, kw, "collector.yaml")) {
            f.data().set(Bytes.U64, 0, 42);
        }
        Path file = dir.resolve("queue-depth.dta");
        String before = digest(file);
        StoreDefinition bigger = new StoreDefinition(1, "queue-depth", new KeyWriteLayout(11, 8, 2), false);
        StoreFileException e = assertThrows(StoreFileException.class, () -> StoreFile.openOrCreate(dir, bigger, "collector.yaml"));
        String m = e.getMessage();
        assertTrue(m.contains("key-write store id 1 (2^10 slots x 8 B, redundancy 2)"), m);
        assertTrue(m.contains("collector.yaml defines queue-depth as a key-write store id 1 (2^11 slots x 8 B, redundancy 2)"), m);
        assertTrue(m.contains("restore the store's previous definition") && m.contains("mv " + file), m);
        assertEquals(before, digest(file));
        assertEquals(4096 + 8192, Files.size(file), "never truncated or extended");
    }

    @Test
    void aKindMismatchIsRefusedToo() throws Exception {
        StoreFile.openOrCreate(dir, kw, "c.yaml").close();
        StoreDefinition asSketch = new StoreDefinition(1, "queue-depth", VectorStores.DEFINITIONS.get(4).layout(), false);
        StoreFileException e = assertThrows(StoreFileException.class, () -> StoreFile.openOrCreate(dir, asSketch, "c.yaml"));
        assertTrue(e.getMessage().contains("holds queue-depth, a key-write store") && e.getMessage().contains("as a sketch store"),
                e.getMessage());
    }

    /** Store format 1 files hold keys at format-1 hash slots: a reader of format 2 must not look them up. */
    @Test
    void aStoreFormat1FileIsRefusedNamingTheHashChangeAndTheFix() throws Exception {
        StoreFile.openOrCreate(dir, kw, "c.yaml").close();
        Path file = dir.resolve("queue-depth.dta");
        byte[] page = new byte[84];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(page), 0);
            page[8] = 0;
            page[9] = 1; // version 1, with a header CRC that matches: a genuine format-1 file
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(page, 0, 80);
            ByteBuffer.wrap(page).putInt(80, (int) crc.getValue());
            ch.write(ByteBuffer.wrap(page), 0);
        }
        String before = digest(file);
        for (var open : List.<org.junit.jupiter.api.function.Executable>of(() -> StoreFile.openOrCreate(dir, kw, "c.yaml"),
                () -> StoreFile.openReadOnly(file))) {
            StoreFileException e = assertThrows(StoreFileException.class, open);
            assertTrue(e.getMessage().startsWith(file + ": store file version 1 was filled with the format-1 hashes"), e.getMessage());
            assertTrue(e.getMessage().contains("move it away to start an empty store"), e.getMessage());
        }
        assertEquals(before, digest(file));
    }

    @Test
    void aCorruptHeaderIsRefusedAndLeftAlone() throws Exception {
        StoreFile.openOrCreate(dir, kw, "c.yaml").close();
        Path file = dir.resolve("queue-depth.dta");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x7F}), 50); // inside the name: CRC no longer matches
        }
        String before = digest(file);
        StoreFileException e = assertThrows(StoreFileException.class, () -> StoreFile.openOrCreate(dir, kw, "c.yaml"));
        assertTrue(e.getMessage().startsWith(file + ": header CRC mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("move it away"), e.getMessage());
        assertEquals(before, digest(file));
        assertThrows(StoreFileException.class, () -> StoreFile.openReadOnly(file));
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        StoreFile.openOrCreate(dir, kw, "c.yaml").close();
        Path file = dir.resolve("queue-depth.dta");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(4096 + 100);
        }
        StoreFileException e = assertThrows(StoreFileException.class, () -> StoreFile.openOrCreate(dir, kw, "c.yaml"));
        assertTrue(e.getMessage().contains("is 4196 bytes but its header describes 12288"), e.getMessage());
        Files.write(file, new byte[10]);
        e = assertThrows(StoreFileException.class, () -> StoreFile.openOrCreate(dir, kw, "c.yaml"));
        assertTrue(e.getMessage().contains("shorter than the 4096-byte store header"), e.getMessage());
    }

    @Test
    void aFileNotNamedAfterItsStoreIsRefused() throws Exception {
        StoreFile.openOrCreate(dir, kw, "c.yaml").close();
        Files.move(dir.resolve("queue-depth.dta"), dir.resolve("other.dta"));
        StoreFileException e = assertThrows(StoreFileException.class, () -> StoreFile.openReadOnly(dir.resolve("other.dta")));
        assertTrue(e.getMessage().contains("rename it back to queue-depth.dta"), e.getMessage());
    }

    @Test
    void aStoreSetOpensAllOrNothing() throws Exception {
        StoreDefinition other = new StoreDefinition(2, "second", new KeyWriteLayout(4, 8, 1), false);
        StoreFile.openOrCreate(dir, other, "c.yaml").close();
        StoreDefinition changed = new StoreDefinition(2, "second", new KeyWriteLayout(5, 8, 1), false);
        assertThrows(StoreFileException.class, () -> StoreSet.open(dir, List.of(kw, changed), "c.yaml"));
        assertFalse(Files.exists(dir.resolve("queue-depth.dta")), "no file is created when another store mismatches");
    }

    @Test
    void aStoreLargerThanTwoGibibytesIsOneSparseMappingWhoseLastSlotWorks() throws Exception {
        // 2^28 slots of 16 bytes = 4 GiB: crosses the 2^31 segment boundary; sparse, so nearly free.
        StoreDefinition big = new StoreDefinition(9, "big", new KeyWriteLayout(28, 16, 1), false);
        long last = big.layout().dataLength() - 16;
        try (StoreSet set = StoreSet.open(dir, List.of(big), "c.yaml")) {
            StoreFile f = set.file("big");
            assertEquals(4L << 30, f.data().byteSize());
            f.data().set(Bytes.U64, last, 0x0102030405060708L);
            f.data().set(Bytes.U64, last + 8, 0x1112131415161718L);
            // A 64-bit atomic at the very end, as FETCH_ADD would do in a counter region.
            ValueLayout.JAVA_LONG.varHandle().getAndAdd(f.data(), last + 8, 1L);
        }
        Path file = dir.resolve("big.dta");
        assertEquals(4096 + (4L << 30), Files.size(file));
        long allocated = (Long) Files.getAttribute(file, "unix:size") > 0 ? diskUsage(file) : 0;
        assertTrue(allocated < (64L << 20), "sparse: only touched pages use disk, used " + allocated);
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            StoreFile f = d.file("big");
            assertFalse(f.writable());
            assertEquals(0x0102030405060708L, f.data().get(Bytes.U64, last));
            long word = f.data().get(Bytes.U64, last + 8);
            assertEquals(0x1112131415161718L + (1L << 56), word, "the native-order add landed in the last byte's word");
        }
    }

    /**
     * Issue 16 item 4: the collector's writable mapping and a reader's read-only mapping of a 64 MiB
     * store are backed by 2 MiB pages once touched (FilePmdMapped in /proc/self/smaps). Needs
     * transparent huge pages in madvise or always mode and a file system with large folios (ext4
     * or XFS on a recent kernel), as docs/collector.md says.
     */
    @Test
    void storeMappingsAreBackedByHugePages() throws Exception {
        assertTrue(List.of("madvise", "always").contains(HugePages.kernelMode()),
                "/sys/kernel/mm/transparent_hugepage/enabled must be madvise or always, is " + HugePages.kernelMode());
        StoreDefinition def = new StoreDefinition(7, "huge", new KeyWriteLayout(22, 16, 1), false);
        long size = def.layout().dataLength();
        assertEquals(64L << 20, size);
        try (StoreFile f = StoreFile.openOrCreate(dir, def, "c.yaml")) {
            assertTrue(f.hugePageBytes() <= (2 << 20), "only the header page was touched yet");
            for (long off = 0; off < size; off += 4096) {
                f.data().set(Bytes.U64, off, off);
            }
            long huge = f.hugePageBytes();
            assertTrue(huge >= size / 2, "the collector's mapping: " + huge + " of " + size + " bytes on 2 MiB pages");
        }
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            StoreFile f = d.file("huge");
            long sum = 0;
            for (long off = 0; off < size; off += 4096) {
                sum += f.data().get(Bytes.U64, off);
            }
            assertEquals((size / 4096) * (size - 4096) / 2, sum, "every written word read back");
            long huge = f.hugePageBytes();
            assertTrue(huge >= size / 2, "a reader's mapping: " + huge + " of " + size + " bytes on 2 MiB pages");
        }
    }

    private static long diskUsage(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-B1", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
