package io.ckpt.harness.bench.results;

import io.ckpt.client.util.Sizes;
import io.ckpt.harness.bench.systems.Layout;

/**
 * One point of the benchmark matrix.
 *
 * @param system {@code ckpt}, {@code ratis} or {@code etcd}
 * @param layout where the system's three nodes run
 * @param workload what the clients do
 * @param size bytes of every value written, read or loaded
 * @param clients threads calling the target at once, each on its own key
 */
public record Cell(String system, Layout layout, Workload workload, long size, int clients) {

  /** {@code jvm} or {@code processes}, as on the command line. */
  public static String layoutName(Layout layout) {
    return layout == Layout.IN_JVM ? "jvm" : "processes";
  }

  /** e.g. {@code ckpt/jvm write 1 KiB × 16}. */
  public String label() {
    return targetName(system, layout) + " " + shape();
  }

  /** A started target's name in progress lines and labels, e.g. {@code ckpt/jvm}. */
  public static String targetName(String system, Layout layout) {
    return system + "/" + layoutName(layout);
  }

  /** The load without its target, e.g. {@code write 1 KiB × 16}. */
  public String shape() {
    return workload.id() + " " + Sizes.format(size) + " × " + clients;
  }
}
