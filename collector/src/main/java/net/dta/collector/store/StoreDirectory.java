package net.dta.collector.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.Keys;
import net.dta.protocol.layout.StoreFileHeader;

/**
 * A collector's data directory opened from another process (the query service, the CLI): every
 * valid store file mapped read-only, readable while the collector writes into it. Files that are
 * not valid stores are skipped and listed in {@link #problems()}; nothing is ever written.
 *
 * <pre>{@code
 * try (StoreDirectory dir = StoreDirectory.open(Path.of("data/collector-1"))) {
 *     KeyWriteStore.Result r = dir.keyWrite("queue-depth").get(Keys.parse("10.0.0.1:8080->10.0.0.2:80/tcp"));
 * }
 * }</pre>
 */
public final class StoreDirectory extends OpenStores {
    private final Path directory;
    private final List<StoreFileException> problems = new ArrayList<>();

    private StoreDirectory(Path directory) {
        this.directory = directory;
    }

    /** Maps every {@code *.dta} file of the directory read-only. */
    public static StoreDirectory open(Path directory) throws IOException {
        StoreDirectory dir = new StoreDirectory(directory);
        for (Path file : storeFiles(directory)) {
            try {
                dir.add(StoreFile.openReadOnly(file));
            } catch (StoreFileException e) {
                dir.problems.add(e);
            }
        }
        return dir;
    }

    /** One line of an offline listing: the header of a file, or why it is not a usable store. */
    public record Listing(Path file, long fileBytes, StoreFileHeader.Contents header, String problem) {
        public boolean valid() {
            return header != null;
        }
    }

    /** Reads the headers of every store file without mapping the data areas. */
    public static List<Listing> list(Path directory) throws IOException {
        List<Listing> out = new ArrayList<>();
        for (Path file : storeFiles(directory)) {
            long size = Files.size(file);
            try {
                StoreFileHeader.Contents h = StoreFile.readHeader(file);
                long expected = StoreFileHeader.PAGE_BYTES + h.dataLength();
                out.add(size == expected ? new Listing(file, size, h, null)
                        : new Listing(file, size, null, "is " + size + " bytes, its header describes " + expected));
            } catch (StoreFileException e) {
                out.add(new Listing(file, size, null, e.getMessage().substring(file.toString().length() + 2)));
            }
        }
        return out;
    }

    private static List<Path> storeFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "not a directory (give the collector's data-dir)");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, "*" + StoreFile.SUFFIX)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        return files;
    }

    public Path directory() {
        return directory;
    }

    /** Files that looked like stores but could not be opened, each with the reason. */
    public List<StoreFileException> problems() {
        return List.copyOf(problems);
    }
}
