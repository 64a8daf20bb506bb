package io.ckpt.harness.bench.report;

import java.util.Locale;

/** Number formats shared by the report's tables and charts. */
final class Fmt {
  static final String NONE = "–";

  private Fmt() {}

  /** Three significant figures at most, thousands separated: {@code 2,344}, {@code 45.6}, {@code 0.512}. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return NONE;
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A ratio such as {@code 0.42×}. */
  static String ratio(double v) {
    return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.2f×", v);
  }

  /** Bytes as MiB with no decimals ({@code 1,234}), or a dash for NaN. */
  static String mib(double bytes) {
    return Double.isNaN(bytes) ? NONE : String.format(Locale.ROOT, "%,.0f", bytes / 1048576.0);
  }

  /** Short label: {@code 0.05}, {@code 2.5}, {@code 950}, {@code 1.2k}, {@code 15k}, {@code 2M}. */
  static String compact(double v) {
    if (v >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (v >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    if (v == 0 || v >= 10 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    String s = String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.2f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /** Text safe inside a markdown table cell. */
  static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
