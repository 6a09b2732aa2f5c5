package net.dta.collector.store;

import java.nio.file.Path;

/**
 * A store file that cannot be used as asked. The message names the file, what is wrong and how
 * to fix it; nothing in the file was changed.
 */
public final class StoreFileException extends Exception {
    private final Path file;

    public StoreFileException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public StoreFileException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
