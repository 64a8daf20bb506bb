package io.ckpt.harness.bench.systems;

import java.nio.file.Path;
import java.util.List;

/**
 * Starts a {@link BenchTarget} by system name: {@code ckpt}, {@code ckpt-stream} (ckpt with a
 * stream port on every node: chunked writes send their bytes as DataStream streams), {@code ratis} (bare Ratis with
 * ckpt's settings, acknowledges only), {@code ratis-stream} (the same with the value streamed
 * over Ratis DataStream to files every node forces, not through the log), {@code etcd}, or
 * {@code copy} (the payload copied to three loopback replicas that fsync: the floor for large
 * writes).
 */
public final class Systems {
  /** Every system {@code ckpt bench} knows, in report order. */
  public static final List<String> NAMES = List.of("ckpt", "ckpt-stream", "ratis", "ratis-stream", "etcd", "copy");

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
    if (system.equals("copy") && layout == Layout.PROCESSES) {
      return "the copy baseline's replicas are threads of the benchmark's JVM";
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
      case "ckpt-stream":
        return CkptTarget.start(layout, dir, true);
      case "ratis":
        return io.ckpt.harness.bench.ratis.RatisTarget.start(layout, dir);
      case "ratis-stream":
        return io.ckpt.harness.bench.ratis.RatisStreamTarget.start(layout, dir);
      case "etcd":
        return io.ckpt.harness.bench.etcd.EtcdTarget.start(layout, dir);
      case "copy":
        return io.ckpt.harness.bench.copy.CopyTarget.start(layout, dir);
      default:
        throw new IllegalStateException("no factory for system '" + system + "'");
    }
  }
}
