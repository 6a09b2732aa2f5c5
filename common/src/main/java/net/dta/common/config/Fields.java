package net.dta.common.config;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dta.protocol.Addresses;

/**
 * Reads the fields of one YAML mapping, recording a located {@link ConfigProblem} for each bad or
 * missing value instead of stopping, so that one pass reports everything wrong. Every field a
 * caller asks about is remembered; {@link #rejectUnknown} then turns any other key into an error
 * (a misspelt field must never be silently ignored).
 */
public final class Fields {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String NAME_RULE = "1..64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern POWER = Pattern.compile("2\\s*\\^\\s*(\\d{1,2})");

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

    /**
     * The name of a component, deployment, collector or switch (1..64 letters, digits, '.', '_' or
     * '-', starting with a letter or digit); null default = required. Null when missing or not a name.
     */
    public String name(String key, String defaultValue) {
        String n = string(key, defaultValue, "a name (" + NAME_RULE + ")");
        if (n != null && !NAME.matcher(n).matches()) {
            problem(key, "must be " + NAME_RULE + ", got \"" + n + "\"");
            return null;
        }
        return n;
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

    /**
     * A duration written as a whole number and a unit: {@code 500us} (or {@code µs}), {@code 1ms},
     * {@code 2s}, {@code 1m}; in [min, max]. The one duration grammar of every configuration file.
     */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String expected = "a duration like " + (min.compareTo(Duration.ofMillis(1)) < 0 ? "500us, 1ms or 2s" : "500ms, 2s or 1m")
                + ", between " + Durations.format(min) + " and " + Durations.format(max);
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            return defaultValue;
        }
        Duration d = Durations.parse(s.text());
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
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

    /**
     * A {@code host:port} field in the grammar of {@link HostPort#parse}; a bad value is a problem
     * and yields the default (which must be well formed).
     */
    public HostPort hostPort(String key, String defaultValue) {
        return parsed(key, HostPort.parse(defaultValue), false,
                "host:port with a port 0..65535 (0 = any free port), like " + defaultValue, HostPort::parse);
    }

    /** An IPv4 address in dotted-quad form ({@link Addresses#parseIpv4}); a bad value yields the default. */
    public Inet4Address ipv4(String key, String defaultValue, String example) {
        Integer a = ipv4Int(key, Addresses.parseIpv4(defaultValue), example);
        return a == null ? null : Addresses.inet4(a);
    }

    /** The same as a network-order int; absent gives the default, a problem when that is null. */
    public Integer ipv4Int(String key, Integer defaultValue, String example) {
        return parsed(key, defaultValue, defaultValue == null, "an IPv4 address like " + example, Addresses::parseIpv4);
    }

    /** A MAC address ({@link Addresses#parseMac}) as the low 48 bits of a long; absent or bad gives the default. */
    public long mac(String key, long defaultValue, String example) {
        return parsed(key, defaultValue, false, "a MAC address like " + example, t -> {
            long v = Addresses.parseMac(t);
            return v < 0 ? null : v;
        });
    }

    /**
     * A scalar in some text form: absent gives the default (a problem when {@code required});
     * text the parser rejects (null) is a problem saying what is expected, and gives the default.
     */
    public <T> T parsed(String key, T defaultValue, boolean required, String expected, Function<String, T> parser) {
        if (!has(key)) {
            if (required) {
                problem(key, "missing; expected " + expected);
            }
            return defaultValue;
        }
        String text = string(key, null, expected);
        T v = text == null ? null : parser.apply(text);
        if (v == null) {
            if (text != null) {
                problem(key, "must be " + expected + ", got \"" + text + "\"");
            }
            return defaultValue;
        }
        return v;
    }

    /** A 64-bit integer in [min, max] (identifiers up to 2^63-1); null default = required. */
    public long longInteger(String key, Long defaultValue, long min, long max) {
        String expected = "an integer " + min + ".." + max;
        ConfigNode.Scalar s = scalar(key, expected);
        if (s == null) {
            if (defaultValue == null) {
                if (node(key) == null || node(key) instanceof ConfigNode.Scalar) {
                    problem(key, "missing; expected " + expected);
                }
                return min;
            }
            return defaultValue;
        }
        Long v = s.type() == ConfigNode.Scalar.Type.INTEGER ? parseLong(s.text()) : null;
        if (v == null || v < min || v > max) {
            problem(key, "must be " + expected + ", got " + s.describe());
            return defaultValue == null ? min : defaultValue;
        }
        return v;
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
