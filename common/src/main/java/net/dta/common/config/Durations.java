package net.dta.common.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one duration grammar of the configuration files: a whole number and a unit (us, µs, ms, s, m). */
public final class Durations {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\s*(us|µs|ms|s|m)");

    private Durations() {
    }

    /** {@code 500us}, {@code 1ms}, {@code 2s}, {@code 1m}; null when the text is not of that form. */
    public static Duration parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "us", "µs" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** In the largest of s, ms, us that divides it ({@code 1500us}, {@code 100ms}, {@code 600s}). */
    public static String format(Duration d) {
        long us = d.toNanos() / 1000;
        return us % 1_000_000 == 0 ? us / 1_000_000 + "s" : us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
    }
}
