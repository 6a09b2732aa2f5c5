package net.dta.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it came from. Jackson's own tree ({@code JsonNode}) forgets
 * locations, and every error message must name a line and column, so the loader builds this
 * small tree from the parser's tokens instead.
 */
public sealed interface ConfigNode {
    int line();

    int column();

    /** What the value is, for "expected a number, got a list" messages. */
    String describe();

    /** A scalar: text as written, and whether YAML typed it as a string, number, boolean or null. */
    record Scalar(String text, Type type, int line, int column) implements ConfigNode {
        public enum Type { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "\"" + text + "\"";
                case NULL -> "nothing (null)";
                default -> text;
            };
        }
    }

    /** A mapping; entries keep the file's order and each key's own location. */
    record Mapping(Map<String, Entry> entries, int line, int column) implements ConfigNode {
        public Mapping {
            entries = new LinkedHashMap<>(entries);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A key of a mapping and its value. */
    record Entry(String key, int keyLine, int keyColumn, ConfigNode value) {
    }

    record Sequence(List<ConfigNode> items, int line, int column) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
