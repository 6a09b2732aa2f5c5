package net.dta.reporter.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What people type for counts, rates, sizes and durations on the command line (the reporter's and the demo's). */
public final class Numbers {
    private static final Pattern SCALED = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([kmg]?)");
    private static final Pattern POWER = Pattern.compile("2\\^([0-9]{1,2})");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)?");

    private Numbers() {
    }

    /** {@code 1000}, {@code 100k}, {@code 1.5M}, {@code 2G} or {@code 2^20}. */
    public static double amount(String text, String field) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        Matcher p = POWER.matcher(t);
        if (p.matches()) {
            int e = Integer.parseInt(p.group(1));
            if (e > 62) {
                throw new IllegalArgumentException(field + ": 2^" + e + " is too large");
            }
            return 1L << e;
        }
        Matcher m = SCALED.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(field + ": expected a number like 1000, 100k, 1.5M or 2^20, got \"" + text + "\"");
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "k" -> v * 1e3;
            case "m" -> v * 1e6;
            case "g" -> v * 1e9;
            default -> v;
        };
    }

    /** A whole number (see {@link #amount}). */
    public static long count(String text, String field) {
        double v = amount(text, field);
        if (v != Math.rint(v) || v > Long.MAX_VALUE) {
            throw new IllegalArgumentException(field + ": must be a whole number, got \"" + text + "\"");
        }
        return (long) v;
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a number of seconds. */
    public static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(field + ": expected a duration like 10s, 500ms, 2m or 1h, got \"" + text + "\"");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> v * 1e6;
            case "m" -> v * 60e9;
            case "h" -> v * 3600e9;
            default -> v * 1e9;
        };
        return Duration.ofNanos((long) nanos);
    }

    /** A 32-bit value: decimal (0..4294967295, or negative down to -2^31) or 0x hex. */
    public static int u32(String text, String field) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace("_", "");
        long v;
        try {
            v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": expected a 32-bit number (decimal or 0x hex), got \"" + text + "\"");
        }
        if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + ": must fit in 32 bits, got " + text);
        }
        return (int) v;
    }

    /** Thousands separated by commas, for terminals. */
    public static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
