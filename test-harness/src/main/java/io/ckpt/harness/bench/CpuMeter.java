package io.ckpt.harness.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU spent over a measured window: by this JVM (servers and load generator together), by the
 * whole machine (other tenants included, from {@code /proc/stat}), and in GC pauses. On a shared
 * 2-core machine the machine figure says whether a run competed with something else.
 */
final class CpuMeter {
  private final long wall0 = System.nanoTime();
  private final long process0 = processCpuNanos();
  private final long gc0 = gcMillis();
  private final long[] machine0 = machineTicks();

  private CpuMeter() {}

  static CpuMeter start() {
    return new CpuMeter();
  }

  /**
   * @param processPercent this JVM's CPU time as a share of all cores over the window
   * @param machinePercent the busy share of all cores of the machine (NaN if unknown)
   * @param gcMillis time the collectors reported over the window
   */
  record Usage(double processPercent, double machinePercent, long gcMillis) {}

  Usage stop() {
    double wall = System.nanoTime() - wall0;
    double process = (processCpuNanos() - process0) / wall / Runtime.getRuntime().availableProcessors();
    long[] machine1 = machineTicks();
    double machine = machine0 == null || machine1 == null || machine1[1] == machine0[1] ? Double.NaN
        : (machine1[0] - machine0[0]) / (double) (machine1[1] - machine0[1]);
    return new Usage(process * 100, machine * 100, gcMillis() - gc0);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, b.getCollectionTime());
    }
    return sum;
  }

  /** Busy and total jiffies of the machine from the first line of /proc/stat, or null. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
