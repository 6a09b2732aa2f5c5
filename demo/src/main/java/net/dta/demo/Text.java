package net.dta.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Numbers, durations and paths as the demo prints them in a terminal. */
final class Text {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Text() {
    }

    /** 950, 12.3k, 4.56M, 1.20G. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a < 1_000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        if (a < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fG", v / 1e9);
    }

    /** 1,234,567. */
    static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** "1 earlier run", "3 earlier runs". */
    static String count(long n, String noun) {
        return grouped(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** An ISO-8601 instant as local date and time to the second ("2026-11-21 14:11:56"), or the text when it is not one. */
    static String localTime(String instant) {
        try {
            return LOCAL.format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** A canonical 5-tuple key (protocol.md 2.2) as {@code Keys.parse} reads it: {@code 10.0.0.1:1024->10.128.0.1:80/tcp}. */
    static String fiveTuple(byte[] key) {
        int protocol = key[12] & 0xFF;
        return ip(key, 0) + ":" + port(key, 8) + "->" + ip(key, 4) + ":" + port(key, 10) + "/"
                + (protocol == 6 ? "tcp" : protocol == 17 ? "udp" : Integer.toString(protocol));
    }

    private static String ip(byte[] key, int at) {
        return (key[at] & 0xFF) + "." + (key[at + 1] & 0xFF) + "." + (key[at + 2] & 0xFF) + "." + (key[at + 3] & 0xFF);
    }

    private static int port(byte[] key, int at) {
        return (key[at] & 0xFF) << 8 | key[at + 1] & 0xFF;
    }

    /** 59s, 4m 05s, 2h 03m. */
    static String elapsed(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    /** The path relative to the working directory when it is below it (shorter to read and to type), else absolute. */
    static String path(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
