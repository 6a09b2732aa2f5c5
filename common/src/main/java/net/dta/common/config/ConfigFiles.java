package net.dta.common.config;

import java.io.IOException;
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
