package net.dta.collector.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreFileHeader;
import net.dta.protocol.layout.StoreFormatException;

/**
 * One store file, {@code <data dir>/<name>.dta} (protocol.md 4.1), and the one mapping of it.
 * The whole file is one {@link MemorySegment} from a shared arena, so a store larger than 2 GiB
 * is a single mapping; {@link #data()} is the data area the RDMA backend registers and readers use.
 *
 * <p>Creation writes a temporary file, sizes it sparse, writes the header and its state word last,
 * then renames it into place: a {@code .dta} file is therefore always complete, and an
 * interrupted creation leaves only a {@code .dta.new} that the next creation replaces.
 *
 * <p>Opening an existing file never changes it: a header that disagrees with the configuration is
 * refused with both descriptions and the ways out.
 */
public final class StoreFile implements AutoCloseable {
    public static final String SUFFIX = ".dta";
    private static final Logger LOG = LoggerFactory.getLogger(StoreFile.class);

    private final Path path;
    private final StoreDefinition definition;
    private final long createdMillis;
    private final boolean created;
    private final boolean writable;
    private final Arena arena;
    private final MemorySegment file;
    private final MemorySegment data;

    private StoreFile(Path path, StoreDefinition definition, long createdMillis, boolean created, boolean writable,
                      Arena arena, MemorySegment file) {
        this.path = path;
        this.definition = definition;
        this.createdMillis = createdMillis;
        this.created = created;
        this.writable = writable;
        this.arena = arena;
        this.file = file;
        this.data = file.asSlice(StoreFileHeader.PAGE_BYTES, definition.layout().dataLength());
    }

    public static Path pathOf(Path dataDir, String storeName) {
        return dataDir.resolve(storeName + SUFFIX);
    }

    /**
     * Opens the store's file read-write, creating it when absent. An existing file must describe
     * exactly this store, else {@link StoreFileException} explains the difference and the fix.
     */
    public static StoreFile openOrCreate(Path dataDir, StoreDefinition def, String configName) throws StoreFileException {
        Path path = pathOf(dataDir, def.name());
        if (Files.exists(path)) {
            StoreFileHeader.Contents found = readHeader(path);
            if (!Layouts.sameStore(found.definition(), def)) {
                throw new StoreFileException(path, "holds " + found.definition().name() + ", a " + Layouts.describe(found.definition())
                        + ", but " + configName + " defines " + def.name() + " as a " + Layouts.describe(def)
                        + ". The file was left unchanged. Either restore the store's previous definition in " + configName
                        + ", or move the file away (mv " + path + " " + path + ".old) to start an empty store with the new one.");
            }
            return map(path, found, true);
        }
        return create(path, def);
    }

    /** Maps an existing store file read-only, whatever store it holds (for readers in other processes). */
    public static StoreFile openReadOnly(Path path) throws StoreFileException {
        StoreFileHeader.Contents found = readHeader(path);
        return map(path, found, false);
    }

    private static StoreFile create(Path path, StoreDefinition def) throws StoreFileException {
        Path temp = path.resolveSibling(path.getFileName() + ".new");
        long size = StoreFileHeader.PAGE_BYTES + def.layout().dataLength();
        long now = System.currentTimeMillis();
        Arena arena = Arena.ofShared();
        try {
            Files.deleteIfExists(temp);
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                // Sparse: setting the size allocates nothing; pages appear when first written.
                ch.truncate(size);
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
                file = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            HugePages.advise(file);
            StoreFileHeader.write(file, def, now);
            file.asSlice(0, StoreFileHeader.PAGE_BYTES).force();
            StoreFileHeader.markValid(file);
            file.asSlice(0, StoreFileHeader.PAGE_BYTES).force();
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path);
            }
            syncDirectory(path.getParent());
            LOG.info("created store file {} ({}, {} sparse)", path, Layouts.describe(def), Layouts.bytes(size));
            return new StoreFile(path, def, now, true, true, arena, file);
        } catch (FileAlreadyExistsException e) {
            arena.close();
            throw new StoreFileException(path, "another process created " + temp + " at the same time; is a second collector using this data directory?", e);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw new StoreFileException(path, "cannot create the store file (" + e
                    + "): check that the data directory is writable and has room", e);
        }
    }

    private static StoreFile map(Path path, StoreFileHeader.Contents header, boolean writable)
            throws StoreFileException {
        long expected = StoreFileHeader.PAGE_BYTES + header.dataLength();
        Arena arena = Arena.ofShared();
        try (FileChannel ch = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != expected) {
                arena.close();
                throw new StoreFileException(path, "is " + size + " bytes but its header describes " + expected
                        + " (4096-byte header + " + header.dataLength() + "-byte data area): the file was truncated or extended. "
                        + "It was left unchanged; restore it from a backup, or move it away to start an empty store.");
            }
            MemorySegment file = ch.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size, arena);
            HugePages.advise(file);
            return new StoreFile(path, header.definition(), header.createdMillis(), false, writable, arena, file);
        } catch (IOException e) {
            arena.close();
            throw new StoreFileException(path, "cannot map the store file: " + e.getMessage(), e);
        }
    }

    /** Reads and validates the header page only; the message names what is wrong. */
    public static StoreFileHeader.Contents readHeader(Path path) throws StoreFileException {
        byte[] page = new byte[StoreFileHeader.PAGE_BYTES];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(page);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // fill the page or stop at end of file
            }
            if (buf.hasRemaining()) {
                throw new StoreFileException(path, "is " + ch.size() + " bytes, shorter than the 4096-byte store header: "
                        + "not a complete store file. It was left unchanged; move it away to start an empty store.");
            }
        } catch (NoSuchFileException e) {
            throw new StoreFileException(path, "no such store file", e);
        } catch (IOException e) {
            throw new StoreFileException(path, "cannot read the store header: " + e.getMessage(), e);
        }
        // The header's state word is read with an aligned acquire load: a byte[] segment cannot do
        // aligned int access, so the page is copied into native memory first.
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment native_ = confined.allocate(StoreFileHeader.PAGE_BYTES, 8);
            MemorySegment.copy(MemorySegment.ofArray(page), 0, native_, 0, page.length);
            StoreFileHeader.Contents c = StoreFileHeader.read(native_);
            String fileName = path.getFileName().toString();
            if (!fileName.equals(c.definition().name() + SUFFIX)) {
                throw new StoreFileException(path, "holds store \"" + c.definition().name() + "\" but is named " + fileName
                        + "; rename it back to " + c.definition().name() + SUFFIX + " (store files are named after their store)");
            }
            return c;
        } catch (StoreFormatException e) {
            throw new StoreFileException(path, e.getMessage() + ". The file was left unchanged; restore it from a backup, "
                    + "or move it away to start an empty store.");
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    public Path path() {
        return path;
    }

    public StoreDefinition definition() {
        return definition;
    }

    /** Bytes of this file's mapping the kernel maps with 2 MiB pages now ({@link HugePages}). */
    public long hugePageBytes() throws IOException {
        return HugePages.mappedBytes(file);
    }

    /** The data area (file offset 4096 onwards): what is registered for RDMA and read by queries. */
    public MemorySegment data() {
        return data;
    }

    public long createdMillis() {
        return createdMillis;
    }

    /** Whether this open created the file (false: it existed and was validated). */
    public boolean created() {
        return created;
    }

    public boolean writable() {
        return writable;
    }

    /** Bytes of the file: header page plus data area. */
    public long fileBytes() {
        return file.byteSize();
    }

    /** Flushes dirty pages of the data area to the file (on clean shutdown; the kernel does it anyway). */
    public void flush() {
        if (writable) {
            file.force();
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return path + " (" + Layouts.describe(definition) + ")";
    }
}
