package net.dta.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the fields of one YAML mapping, recording a located {@link ConfigProblem} for each bad or
 * missing value instead of stopping, so that one pass reports everything wrong. Every field a
 * caller asks about is remembered; {@link #rejectUnknown} then turns any other key into an error
 * (a misspelt field must never be silently ignored).
 */
public final class Fields {
    private static final Pattern POWER = Pattern.compile("2\\s*\\^\\s*(\\d{1,2})");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    private final String file;
    private final String path;
    private final ConfigNode.Mapping map;
    private final int line;
    private final int column;
    private final List<ConfigProblem> problems;
    private final Set<String> asked = new HashSet<>();

    public Fields(String file, String path, ConfigNode.Mapping map, int line, int column, List<ConfigProblem> problems) {
        this.file = file;
        this.path = path;
        this.map = map;
        this.line = line;
        this.column = column;
        this.problems = problems;
    }

    /** Wraps any node: a non-mapping is a problem and yields an empty reader (all defaults). */
    public static Fields of(String file, String path, ConfigNode node, List<ConfigProblem> problems) {
        if (node instanceof ConfigNode.Mapping m) {
            return new Fields(file, path, m, m.line(), m.column(), problems);
        }
        if (node != null && !(node instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL)) {
            problems.add(new ConfigProblem(file, node.line(), node.column(), path, "expected a mapping of fields, got " + node.describe()));
        }
        return new Fields(file, path, null, node == null ? 0 : node.line(), node == null ? 0 : node.column(), problems);
    }

    public String path() {
        return path;
    }

    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        asked.add(key);
        return map != null && map.entries().containsKey(key)
                && !(map.entries().get(key).value() instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL);
    }

    public ConfigNode node(String key) {
        asked.add(key);
        if (map == null) {
            return null;
        }
        ConfigNode.Entry e = map.entries().get(key);
        return e == null ? null : e.value();
    }

    /** Records a problem at the key's value (or at the mapping when the key is absent). */
    public void problem(String key, String message) {
        ConfigNode n = node(key);
        if (n != null) {
            problems.add(new ConfigProblem(file, n.line(), n.column(), field(key), message));
        } else {
            problems.add(new ConfigProblem(file, line, column, field(key), message));
        }
    }

    private ConfigNode.Scalar scalar(String key, String expected) {
        ConfigNode n = node(key);
        if (n == null || n instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL) {
            return null;
        }
        if (n instanceof ConfigNode.Scalar s) {
            return s;
        }
        problem(key, "expected " + expected + ", got " + n.describe());
        return null;
    }

    /** A required or defaulted string (null default = required). */
    public String string(String key, String defaultValue, String expected) {
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            if (defaultValue == null && node(key) == null) {
                problem(key, "missing; expected " + expected);
            }
            return defaultValue;
        }
        return s.text();
    }

    /** An integer in [min, max]; null default = required. Returns the default (or min) on error. */
    public Integer integer(String key, Integer defaultValue, long min, long max) {
        String expected = "an integer " + min + ".." + max;
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            if (defaultValue == null && node(key) == null) {
                problem(key, "missing; expected " + expected);
            }
            return defaultValue;
        }
        Long v = s.type() == ConfigNode.Scalar.Type.INTEGER ? parseLong(s.text()) : null;
        if (v == null || v < min || v > max) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return defaultValue;
        }
        return v.intValue();
    }

    public boolean bool(String key, boolean defaultValue) {
        ConfigNode.Scalar s = scalar(key, "true or false");
        if (s == null) {
            return defaultValue;
        }
        if (s.type() != ConfigNode.Scalar.Type.BOOLEAN) {
            problem(key, "must be true or false, got " + s.describe());
            return defaultValue;
        }
        return Boolean.parseBoolean(s.text());
    }

    /** One of the allowed spellings; null default = required. */
    public String choice(String key, String defaultValue, List<String> allowed) {
        String expected = "one of " + String.join(", ", allowed);
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            if (defaultValue == null && node(key) == null) {
                problem(key, "missing; expected " + expected);
            }
            return defaultValue;
        }
        if (!allowed.contains(s.text())) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return defaultValue;
        }
        return s.text();
    }

    /** A duration written as {@code 500ms}, {@code 2s} or {@code 1m}, in [min, max]. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String expected = "a duration like 500ms, 2s or 1m, between " + min.toMillis() + "ms and " + max.toSeconds() + "s";
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(s.text().strip());
        if (!m.matches()) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return defaultValue;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return defaultValue;
        }
        return d;
    }

    /**
     * A power-of-two size given either as {@code key} (a number like 1048576, or {@code 2^20}) or
     * as {@code log2Key} (20). Returns the log2, or null when absent (a problem if required) or bad.
     */
    public Integer powerOfTwo(String key, String log2Key, int minLog2, int maxLog2, boolean required) {
        boolean hasSize = has(key);
        boolean hasLog2 = has(log2Key);
        if (hasSize && hasLog2) {
            problem(log2Key, "give " + key + " or " + log2Key + ", not both");
            return null;
        }
        if (hasLog2) {
            return integer(log2Key, null, minLog2, maxLog2);
        }
        String expected = "a power of two between 2^" + minLog2 + " and 2^" + maxLog2 + " (e.g. "
                + (1L << Math.min(maxLog2, 20)) + " or 2^" + Math.min(maxLog2, 20) + ")";
        if (!hasSize) {
            if (required) {
                problem(key, "missing; expected " + expected + ", or " + log2Key + ": " + minLog2 + ".." + maxLog2);
            }
            return null;
        }
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            return null;
        }
        Integer log2 = null;
        Matcher m = POWER.matcher(s.text().strip());
        if (s.type() == ConfigNode.Scalar.Type.STRING && m.matches()) {
            log2 = Integer.parseInt(m.group(1));
        } else if (s.type() == ConfigNode.Scalar.Type.INTEGER) {
            Long v = parseLong(s.text());
            if (v != null && v > 0 && Long.bitCount(v) == 1) {
                log2 = Long.numberOfTrailingZeros(v);
            }
        }
        if (log2 == null || log2 < minLog2 || log2 > maxLog2) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return null;
        }
        return log2;
    }

    /** A {@code host:port} value (port 0..65535, 0 = any free port). */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * A {@code host:port} field; a bad value is a problem and yields the default (which must be
     * well formed).
     */
    public HostPort hostPort(String key, String defaultValue) {
        String text = string(key, defaultValue, "host:port");
        HostPort parsed = parseHostPort(text);
        if (parsed == null) {
            problem(key, "must be host:port with a port 0..65535 (0 = any free port), got \"" + text + "\"");
            return parseHostPort(defaultValue);
        }
        return parsed;
    }

    private static HostPort parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port < 0 || port > 65535 ? null : new HostPort(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * An IPv4 address in dotted-quad form; a bad value is a problem and yields the default (which
     * must be well formed).
     */
    public java.net.Inet4Address ipv4(String key, String defaultValue, String example) {
        String text = string(key, defaultValue, "an IPv4 address like " + example);
        java.net.Inet4Address a = parseIpv4(text);
        if (a == null) {
            problem(key, "must be an IPv4 address like " + example + ", got \"" + text + "\"");
            return parseIpv4(defaultValue);
        }
        return a;
    }

    private static java.net.Inet4Address parseIpv4(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet4Address a ? a : null;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** A nested mapping (absent = empty reader with all defaults). */
    public Fields section(String key) {
        ConfigNode n = node(key);
        if (n == null) {
            return new Fields(file, field(key), null, line, column, problems);
        }
        return of(file, field(key), n, problems);
    }

    /** The items of a list; a missing key gives an empty list, a non-list a problem. */
    public List<ConfigNode> list(String key, boolean required) {
        ConfigNode n = node(key);
        if (n instanceof ConfigNode.Sequence s) {
            return s.items();
        }
        if (n == null || n instanceof ConfigNode.Scalar sc && sc.type() == ConfigNode.Scalar.Type.NULL) {
            if (required) {
                problem(key, "missing; expected a list");
            }
            return List.of();
        }
        problem(key, "expected a list, got " + n.describe());
        return List.of();
    }

    /** Every key not asked about is an error naming the fields that are allowed here. */
    public void rejectUnknown(String where) {
        if (map == null) {
            return;
        }
        List<String> known = new ArrayList<>(asked);
        known.sort(null);
        for (ConfigNode.Entry e : map.entries().values()) {
            if (!asked.contains(e.key())) {
                problems.add(new ConfigProblem(file, e.keyLine(), e.keyColumn(), field(e.key()),
                        "unknown field" + (where.isEmpty() ? "" : " for " + where) + "; the fields here are: " + String.join(", ", known)));
            }
        }
    }

    private static Long parseLong(String text) {
        try {
            return Long.decode(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
