package io.ckpt.harness.bench.systems;

import java.nio.file.Path;
import java.util.List;

/** Starts a {@link BenchTarget} by system name: {@code ckpt}, {@code ratis} or {@code etcd}. */
public final class Systems {
  /** Every system {@code ckpt bench} knows, in report order. */
  public static final List<String> NAMES = List.of("ckpt", "ratis", "etcd");

  private Systems() {}

  /** Returns {@code system} if it is one of {@link #NAMES}; else throws, naming them. */
  public static String requireKnown(String system) {
    if (!NAMES.contains(system)) {
      throw new IllegalArgumentException("unknown system '" + system + "' (known: " + String.join(", ", NAMES) + ")");
    }
    return system;
  }

  /**
   * Why {@code system} cannot run in {@code layout} at all, or null when it can. etcd is a
   * separate program: it runs as three processes only.
   */
  public static String unsupportedLayout(String system, Layout layout) {
    if (system.equals("etcd") && layout == Layout.IN_JVM) {
      return "etcd is a separate program: it runs as 3 processes only";
    }
    return null;
  }

  /** Starts {@code system} as a 3-node cluster on loopback, keeping its data under {@code dir}. */
  public static BenchTarget start(String system, Layout layout, Path dir) throws Exception {
    requireKnown(system);
    String unsupported = unsupportedLayout(system, layout);
    if (unsupported != null) {
      throw new IllegalArgumentException(unsupported);
    }
    switch (system) {
      case "ckpt":
        return CkptTarget.start(layout, dir);
      case "ratis":
        // MERGE POINT (bare Ratis): return io.ckpt.harness.bench.ratis.RatisTarget.start(layout, dir);
        throw new UnsupportedOperationException(
            "system 'ratis' is not built yet (io.ckpt.harness.bench.ratis.RatisTarget is missing)");
      case "etcd":
        // MERGE POINT (etcd via jetcd): return io.ckpt.harness.bench.etcd.EtcdTarget.start(layout, dir);
        throw new UnsupportedOperationException(
            "system 'etcd' is not built yet (io.ckpt.harness.bench.etcd.EtcdTarget is missing)");
      default:
        throw new IllegalStateException("no factory for system '" + system + "'");
    }
  }
}
