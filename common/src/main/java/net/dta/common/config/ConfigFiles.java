package net.dta.common.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a configuration file for a loader: an unreadable file is a located problem like any other. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /** A loader's parse step: text named {@code fileName} in messages, relative paths resolved against {@code baseDir}. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String fileName, Reader text, Path baseDir, Path source) throws ConfigException;
    }

    /** A component's whole load step (read, parse, validate), e.g. {@code ConfigLoader::load}. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(Path file) throws ConfigException;
    }

    /**
     * Loads a file for a command: the configuration, or null after printing every problem and
     * their count to {@code err} (the command then exits without having done anything).
     */
    public static <T> T loadOrReport(Path file, Loader<T> loader, PrintWriter err) {
        try {
            return loader.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            int n = e.problems().size();
            err.println((n == 1 ? "1 problem" : n + " problems") + ": nothing was changed");
            return null;
        }
    }

    /** Reads the file (UTF-8) and parses it with paths relative to its directory. */
    public static <T> T load(Path file, Parser<T> parser) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(new ConfigProblem(file.toString(), 0, 0, "", "cannot read the file: " + e));
        }
        return parser.parse(file.toString(), new StringReader(text), file.toAbsolutePath().getParent(), file.toAbsolutePath());
    }
}
