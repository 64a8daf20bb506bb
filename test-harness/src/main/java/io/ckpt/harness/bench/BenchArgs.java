package io.ckpt.harness.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a benchmark main. Unknown options and missing values are
 * errors (a typo must not silently run the default benchmark).
 */
final class BenchArgs {
  private final Map<String, String> values = new HashMap<>();

  private BenchArgs() {}

  /** Parses {@code args}; every option must be one of {@code known} (without the dashes). */
  static BenchArgs parse(String[] args, Set<String> known, String usage) {
    BenchArgs a = new BenchArgs();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println(usage);
        System.exit(0);
      }
      if (!arg.startsWith("--") || !known.contains(arg.substring(2)) || i + 1 >= args.length) {
        System.err.println("bad option " + arg + "\n" + usage);
        System.exit(1);
      }
      a.values.put(arg.substring(2), args[++i]);
    }
    return a;
  }

  String string(String name, String def) {
    return values.getOrDefault(name, def);
  }

  int integer(String name, int def) {
    return Math.toIntExact(size(name, def));
  }

  /** A number with an optional binary suffix: {@code 1024}, {@code 64k}, {@code 1m}, {@code 64MiB}. */
  long size(String name, long def) {
    String v = values.get(name);
    return v == null ? def : parseSize(v);
  }

  static long parseSize(String v) {
    String s = v.trim().toLowerCase();
    long mult = 1;
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("k")) {
      mult = 1L << 10;
    } else if (s.endsWith("m")) {
      mult = 1L << 20;
    } else if (s.endsWith("g")) {
      mult = 1L << 30;
    }
    if (mult != 1) {
      s = s.substring(0, s.length() - 1);
    }
    return Long.parseLong(s) * mult;
  }

  /** Human-readable binary size: 1024 → {@code 1KiB}. */
  static String formatSize(long bytes) {
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return bytes + "B";
  }
}
