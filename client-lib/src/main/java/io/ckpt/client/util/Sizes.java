package io.ckpt.client.util;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats human-readable byte sizes, as used in configuration and on the command line
 * ({@code --max-size 64MiB}).
 *
 * <p>Units are binary and case-insensitive: {@code B}; {@code k}, {@code KB}, {@code KiB} (1024);
 * {@code m}, {@code MB}, {@code MiB}; {@code g}, {@code GB}, {@code GiB}; {@code t}, {@code TB},
 * {@code TiB}. A bare number is bytes. A decimal number is allowed ({@code 1.5MiB}) and rounded to
 * the nearest byte; a space may separate number and unit ({@code 1.5 MiB}), so
 * {@code parse(format(x))} is accepted (though {@link #format} rounds to one decimal).
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {
  }

  /**
   * Parses a size such as {@code 123}, {@code 512B}, {@code 64KiB}, {@code 64k}, {@code 1m},
   * {@code 1GiB} or {@code 1.5 MiB} into bytes.
   *
   * @throws IllegalArgumentException with a clear message if the text is not a size, is
   *         negative, or exceeds {@link Long#MAX_VALUE} bytes
   */
  public static long parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("size is missing (expected e.g. 64KiB, 1MiB, 1GiB)");
    }
    String s = text.trim();
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("invalid size \"" + text + "\": must not be negative");
    }
    Matcher m = SIZE.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size \"" + text
          + "\": expected a number with an optional unit B, KiB, MiB, GiB or TiB (e.g. 64KiB, 1m, 1GiB)");
    }
    long unit = unit(m.group(2), text);
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))
        .setScale(0, RoundingMode.HALF_UP);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("invalid size \"" + text + "\": too large (the maximum is "
          + Long.MAX_VALUE + " bytes)");
    }
    return bytes.longValueExact();
  }

  private static long unit(String unit, String text) {
    switch (unit.toLowerCase(Locale.ROOT)) {
      case "":
      case "b":
        return 1L;
      case "k":
      case "kb":
      case "kib":
        return 1L << 10;
      case "m":
      case "mb":
      case "mib":
        return 1L << 20;
      case "g":
      case "gb":
      case "gib":
        return 1L << 30;
      case "t":
      case "tb":
      case "tib":
        return 1L << 40;
      default:
        throw new IllegalArgumentException("invalid size \"" + text + "\": unknown unit \"" + unit
            + "\" (use B, KiB, MiB, GiB or TiB; k, m, g, t also work)");
    }
  }

  /**
   * Formats a byte count with the largest binary unit that keeps the number at least 1, and at
   * most one decimal: {@code 512 B}, {@code 64 KiB}, {@code 1.5 MiB}, {@code 1 GiB}.
   */
  public static String format(long bytes) {
    if (bytes < 0) {
      return "-" + format(bytes == Long.MIN_VALUE ? Long.MAX_VALUE : -bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int u = (63 - Long.numberOfLeadingZeros(bytes)) / 10; // largest unit <= bytes
    BigDecimal v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << (10 * u)), 1, RoundingMode.HALF_UP);
    if (v.compareTo(BigDecimal.valueOf(1024)) >= 0 && u + 1 < UNITS.length) { // 1023.96 KiB -> 1 MiB
      u++;
      v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << (10 * u)), 1, RoundingMode.HALF_UP);
    }
    return v.stripTrailingZeros().toPlainString() + " " + UNITS[u];
  }
}
