package io.ckpt.client.util;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats human-readable durations, as used by {@code --timeout} and {@code --ttl}.
 *
 * <p>Accepted: a non-negative integer followed by an optional unit, case-insensitive:
 * {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. A bare number is
 * milliseconds ({@code 1500} = 1.5 s). Examples: {@code 500ms}, {@code 20s}, {@code 2m},
 * {@code 1h}. {@link #format(Duration)} produces text that {@link #parse(String)} reads back
 * exactly.
 */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");

  private Durations() {
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 20s}, {@code 2m}, {@code 1h} or {@code 1500}
   * (milliseconds).
   *
   * @throws IllegalArgumentException with a clear message if the text is not a duration, is
   *         negative or is too large
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("duration is missing (expected e.g. 500ms, 20s, 2m, 1h)");
    }
    String s = text.trim();
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": must not be negative");
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid duration \"" + text
          + "\": expected a whole number with an optional unit ms, s, m, h or d (e.g. 500ms, 20s, 2m; a bare number is milliseconds)");
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw tooLarge(text);
    }
    try {
      switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ns":
          return Duration.ofNanos(amount);
        case "us":
          return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
        case "":
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        case "d":
          return Duration.ofDays(amount);
        default:
          throw new IllegalArgumentException("invalid duration \"" + text + "\": unknown unit \""
              + m.group(2) + "\" (use ms, s, m, h or d)");
      }
    } catch (ArithmeticException e) {
      throw tooLarge(text);
    }
  }

  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException("invalid duration \"" + text + "\": too large");
  }

  /**
   * Formats a duration with the largest unit that represents it exactly: {@code 2m},
   * {@code 20s}, {@code 1500ms}, {@code 0ms}; sub-millisecond parts use {@code us} or
   * {@code ns}. Negative durations get a leading {@code -}.
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.getNano() == 0) {
      long s = d.getSeconds();
      if (s == 0) {
        return "0ms";
      }
      if (s % 86_400 == 0) {
        return s / 86_400 + "d";
      }
      if (s % 3600 == 0) {
        return s / 3600 + "h";
      }
      if (s % 60 == 0) {
        return s / 60 + "m";
      }
      return s + "s";
    }
    int nanos = d.getNano();
    long seconds = d.getSeconds();
    if (nanos % 1_000_000 == 0 && seconds <= Long.MAX_VALUE / 1000 - 1) {
      return seconds * 1000 + nanos / 1_000_000 + "ms";
    }
    if (nanos % 1000 == 0 && seconds <= Long.MAX_VALUE / 1_000_000 - 1) {
      return seconds * 1_000_000 + nanos / 1000 + "us";
    }
    if (seconds <= Long.MAX_VALUE / 1_000_000_000 - 1) {
      return seconds * 1_000_000_000 + nanos + "ns";
    }
    return seconds + "s"; // beyond ~292 years with a fraction: the fraction is dropped
  }
}
