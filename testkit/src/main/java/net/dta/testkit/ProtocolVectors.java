package net.dta.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test vectors of docs/protocol.md, read from the document itself so that the tests and the
 * normative text cannot drift apart. A block looks like:
 *
 * <pre>
 * ```vector
 * name: kw.packet.0
 * 0200 0000 ...
 * ```
 * </pre>
 */
public final class ProtocolVectors {
    private static final Pattern BLOCK = Pattern.compile("```vector\\nname: (\\S+)\\n(.*?)```", Pattern.DOTALL);
    private static volatile ProtocolVectors instance;

    private final Map<String, Vector> vectors;

    private ProtocolVectors(Map<String, Vector> vectors) {
        this.vectors = vectors;
    }

    public static ProtocolVectors load() {
        ProtocolVectors loaded = instance;
        if (loaded == null) {
            loaded = parse(RepoPaths.protocolDoc());
            instance = loaded;
        }
        return loaded;
    }

    public static ProtocolVectors parse(Path document) {
        String text;
        try {
            text = Files.readString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Vector> found = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            List<String> lines = new ArrayList<>();
            for (String line : m.group(2).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            found.put(m.group(1), new Vector(m.group(1), List.copyOf(lines)));
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no vector blocks in " + document);
        }
        return new ProtocolVectors(Collections.unmodifiableMap(found));
    }

    public Vector get(String name) {
        Vector v = vectors.get(name);
        if (v == null) {
            throw new IllegalArgumentException("docs/protocol.md has no vector named " + name + "; it has " + vectors.keySet());
        }
        return v;
    }

    /** Vectors whose name starts with the prefix, in document order. */
    public List<Vector> withPrefix(String prefix) {
        return vectors.values().stream().filter(v -> v.name().startsWith(prefix)).toList();
    }

    public record Vector(String name, List<String> lines) {
        /** The block as hex bytes (whitespace ignored). */
        public byte[] bytes() {
            return HexFormat.of().parseHex(String.join("", lines).replace(" ", ""));
        }

        /** A memory dump block: data-area offset to bytes. */
        public Map<Long, byte[]> memory() {
            Map<Long, byte[]> runs = new TreeMap<>();
            for (String line : lines) {
                if (!line.startsWith("@")) {
                    throw new IllegalStateException(name + " is not a memory block: " + line);
                }
                String[] parts = line.substring(1).split(" ");
                runs.put(Long.parseLong(parts[0], 16), HexFormat.of().parseHex(parts[1]));
            }
            return runs;
        }

        /** Lines of the form {@code key value} or {@code a=1 b=2}: the value of a key on the first line that has it. */
        public String value(String key) {
            for (String line : lines) {
                for (String token : line.split(" ")) {
                    if (token.startsWith(key + "=")) {
                        return token.substring(key.length() + 1);
                    }
                }
                if (line.startsWith(key + " ")) {
                    return line.substring(key.length() + 1);
                }
            }
            throw new IllegalArgumentException(name + " has no value for " + key + ": " + lines);
        }
    }
}
