package net.dta.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The demo's data directory: the configuration files it writes (one per collector, the
 * translator's, the deployment file), the collectors' store files ({@code c1/}, {@code c2/}, ...)
 * and {@code demo.properties} (runs so far, the collector count, when the last run started and
 * stopped). An OS lock on {@code demo.lock} keeps a second demo off the same directory (the kernel
 * releases it even after {@code kill -9}). {@code --fresh} deletes only directories the demo made.
 */
final class DemoDirectory implements AutoCloseable {
    static final String STATE_FILE = "demo.properties";
    static final String LOCK_FILE = "demo.lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final Properties state = new Properties();
    private final boolean existed;
    private boolean wiped;

    private DemoDirectory(Path dir, FileChannel lockChannel, boolean existed) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.existed = existed;
    }

    /**
     * Opens (creating) the directory and locks it.
     *
     * @param fresh delete what earlier runs left first
     * @param collectors the collector count of this run: must be the earlier runs' (their keys are spread over that many)
     */
    static DemoDirectory open(Path dir, boolean fresh, int collectors) throws DemoException {
        Path state = dir.resolve(STATE_FILE);
        try {
            if (Files.isDirectory(dir) && !Files.exists(state) && !isEmpty(dir)) {
                throw new DemoException("--data-dir " + dir + " exists and was not made by the demo (it has no " + STATE_FILE
                        + "): give a new or empty directory");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DemoException("--data-dir " + dir + ": cannot create it (" + e.getMessage() + "): give a writable directory", e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new DemoException("another demo is running on " + dir + ": stop it (Ctrl-C in its terminal), or give this one "
                        + "another --data-dir");
            }
        } catch (IOException e) {
            throw new DemoException("--data-dir " + dir + ": cannot lock " + LOCK_FILE + " (" + e.getMessage() + ")", e);
        }
        DemoDirectory d = new DemoDirectory(dir, channel, Files.exists(state) && !fresh);
        try {
            if (fresh) {
                d.wipe();
            }
            d.load();
            if (!Files.exists(state)) {
                // Marks the directory as the demo's from the start, so that a run that fails early can be run again.
                d.state.setProperty("created", Instant.now().toString());
                d.save();
            }
            int before = d.number("collectors");
            if (d.runs() > 0 && before != collectors) {
                throw new DemoException(dir + " holds data spread over " + before + " collectors: use --collectors " + before
                        + " to reuse it, or --fresh to start over with " + collectors);
            }
            return d;
        } catch (DemoException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** --fresh deleted data of earlier runs. */
    boolean wiped() {
        return wiped;
    }

    /** Deletes everything in the directory but the lock this process holds. */
    private void wipe() throws DemoException {
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(p -> !p.equals(dir) && !p.equals(dir.resolve(LOCK_FILE))).sorted(Comparator.reverseOrder()).forEach(doomed::add);
            for (Path p : doomed) {
                Files.delete(p);
            }
            wiped = !doomed.isEmpty();
        } catch (IOException e) {
            throw new DemoException("--fresh: cannot delete what is in " + dir + " (" + e.getMessage() + ")", e);
        }
    }

    private void load() throws DemoException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return;
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            state.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new DemoException(file + " cannot be read (" + e.getMessage() + "): fix or delete it, or use --fresh", e);
        }
    }

    Path path() {
        return dir;
    }

    /** A file or directory inside. */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** The directory held data of an earlier run when this one opened it. */
    boolean reused() {
        return existed && runs() > 0;
    }

    /** Runs that wrote into the stores so far (this one included once {@link #beginRun} was called). */
    int runs() {
        return number("runs");
    }

    /** When the previous run stopped cleanly, or null (never, or it was killed). */
    String lastCleanStop() {
        return state.getProperty("last-clean-stop");
    }

    /** Records that run number {@code run} (runs() + 1) starts writing into the stores. */
    void beginRun(int run, int collectors) throws DemoException {
        state.setProperty("runs", Integer.toString(run));
        state.setProperty("collectors", Integer.toString(collectors));
        state.setProperty("last-start", Instant.now().toString());
        state.remove("last-clean-stop");
        save();
    }

    /** Records a clean stop. */
    void endRun() throws DemoException {
        state.setProperty("last-clean-stop", Instant.now().toString());
        save();
    }

    private int number(String key) {
        String v = state.getProperty(key, "0").strip();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Writes a text file inside the directory, replacing it whole. */
    void write(String name, String text) throws DemoException {
        Path file = dir.resolve(name);
        Path temp = dir.resolve(name + ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DemoException("cannot write " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private void save() throws DemoException {
        StringWriter text = new StringWriter();
        try {
            state.store(text, "DTA demo state (./dta demo; docs/demo.md)");
        } catch (IOException e) {
            throw new IllegalStateException("a StringWriter does not fail", e);
        }
        write(STATE_FILE, text.toString());
    }

    /** Releases the lock (closing the channel releases it). */
    @Override
    public void close() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            // the kernel releases the lock with the process anyway
        }
    }
}
