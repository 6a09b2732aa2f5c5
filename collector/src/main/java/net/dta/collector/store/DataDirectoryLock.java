package net.dta.collector.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive ownership of a data directory by one collector process ({@code collector.lock}, an
 * OS file lock released by the kernel even on kill -9). Two collectors writing the same store
 * files, or recovering the same state map, would corrupt them; readers do not take the lock.
 */
public final class DataDirectoryLock implements AutoCloseable {
    public static final String FILE = "collector.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed and takes the lock, or explains who holds it. */
    public static DataDirectoryLock acquire(Path dataDir) throws StoreFileException {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreFileException(dataDir, "cannot create the data directory (" + e.getMessage()
                    + "): set data-dir to a writable directory", e);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new StoreFileException(dataDir, "another collector is using this data directory (" + holder
                        + "); stop it, or give this one another data-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirectoryLock(file, ch, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new StoreFileException(dataDir, "this process already runs a collector on this data directory", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StoreFileException(dataDir, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the kernel releases the lock with the descriptor anyway
        }
    }
}
