package dev.pkauth.internal.config;

import java.time.Duration;

/**
 * Parses the durations operators type: a whole number with {@code s}, {@code m}, {@code h} or
 * {@code d} ({@code 90d}, {@code 24h}, {@code 0s}).
 */
public final class Durations {
    private Durations() {}

    /** Like {@link #parse} but also takes milliseconds: {@code 750ms}. */
    public static Duration parseMillis(String text) {
        if (text != null && text.endsWith("ms") && text.length() > 2 && text.length() <= 12) {
            try {
                long ms = Long.parseLong(text.substring(0, text.length() - 2));
                if (ms >= 0 && Character.isDigit(text.charAt(0))) return Duration.ofMillis(ms);
            } catch (NumberFormatException ignored) {
                // reported by parse
            }
        }
        return parse(text);
    }

    /** @throws IllegalArgumentException with what was wrong and an example */
    public static Duration parse(String text) {
        if (text == null || text.length() < 2 || text.length() > 12) throw bad(text);
        char unit = text.charAt(text.length() - 1);
        long amount;
        try {
            amount = Long.parseLong(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw bad(text);
        }
        if (amount < 0 || !Character.isDigit(text.charAt(0))) throw bad(text);
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw bad(text);
        };
    }

    /** The largest whole unit that says {@code d} exactly: {@code 30d}, {@code 1h}, {@code 90s}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s != 0 && s % 86_400 == 0) return s / 86_400 + "d";
        if (s != 0 && s % 3600 == 0) return s / 3600 + "h";
        if (s != 0 && s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("invalid duration " + (text == null ? "null" : dev.pkauth.internal.text.Validation.printable(text))
                + ": use a whole number with s, m, h or d, such as 90d or 24h");
    }
}
