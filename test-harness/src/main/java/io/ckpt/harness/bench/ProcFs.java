package io.ckpt.harness.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-process figures from Linux's {@code /proc} (resident set, bytes written to storage, the JIT
 * compilers' CPU time) and the heap of a Java process (this JVM's own, or another's through
 * {@code jcmd GC.heap_info}).
 * Every reader returns null when the figure cannot be read.
 */
final class ProcFs {
  /** G1's line of {@code GC.heap_info}: {@code garbage-first heap   total 262144K, used 123456K [...}. */
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
  /** Linux's clock tick as {@code /proc} counts CPU time ({@code USER_HZ}, 100 on every architecture it supports). */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcFs() {}

  /** {@code VmRSS} of {@code /proc/<pid>/status}, in bytes. */
  static Long rssBytes(long pid) {
    Long kb = field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    return kb == null ? null : kb * 1024;
  }

  /**
   * {@code write_bytes} of {@code /proc/<pid>/io}: bytes the process caused to be sent to the
   * storage layer (page-cache writes and dirtied mapped pages included, whether or not
   * write-back happened yet).
   */
  static Long writeBytes(long pid) {
    return field(Path.of("/proc", Long.toString(pid), "io"), "write_bytes:");
  }

  /** A mounted file system: its source (e.g. {@code /dev/vda1}), mount point and type. */
  record Mount(String source, String point, String type) {}

  /** The file system holding {@code dir} (the longest mount point above it), or null. */
  static Mount mount(Path dir) {
    Path p = dir.toAbsolutePath().normalize();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return null;
    }
    try {
      p = p.toRealPath();
    } catch (IOException e) {
      // keep the absolute path
    }
    Mount best = null;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
        String[] f = l.split(" ");
        if (f.length < 3) {
          continue;
        }
        String point = f[1].replace("\\040", " ");
        if (p.startsWith(point) && (best == null || point.length() >= best.point().length())) {
          best = new Mount(f[0], point, f[2]);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return best;
  }

  /** The block device name in {@code /proc/diskstats} (e.g. {@code vda}) holding {@code dir}, or null. */
  static String blockDevice(Path dir) {
    Mount m = mount(dir);
    if (m == null || !m.source().startsWith("/dev/")) {
      return null;
    }
    String name;
    try {
      name = Path.of(m.source()).toRealPath().getFileName().toString();
    } catch (IOException e) {
      name = Path.of(m.source()).getFileName().toString();
    }
    return deviceWrittenBytes(name) != null ? name : null;
  }

  /** Bytes written to block device {@code name} since boot, by everything on the machine ({@code /proc/diskstats}). */
  static Long deviceWrittenBytes(String name) {
    if (name == null) {
      return null;
    }
    try {
      for (String l : Files.readAllLines(Path.of("/proc/diskstats"), StandardCharsets.US_ASCII)) {
        String[] f = l.trim().split("\\s+");
        if (f.length > 9 && f[2].equals(name)) {
          return Long.parseLong(f[9]) * 512;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }

  /**
   * CPU time (user and system) the JIT compiler threads of Java process {@code pid} have used:
   * the threads HotSpot names {@code C1 CompilerThread<n>} and {@code C2 CompilerThread<n>}
   * (cut to 15 characters in {@code /proc}). Null when the process is gone or this is not Linux.
   */
  static Long compilerCpuNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) threads::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          continue; // the thread ended
        }
        // pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces, so split after ')'.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
          continue;
        }
        String comm = stat.substring(open + 1, close);
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
          String[] f = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return ticks * NANOS_PER_TICK;
  }

  /** Heap in use: this JVM's from its memory bean, another Java process's from jcmd; null for others. */
  static Long heapUsedBytes(ProcessHandle p) {
    if (p.pid() == ProcessHandle.current().pid()) {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    if (!isJava(p)) {
      return null;
    }
    String out = run(List.of(jcmd(), Long.toString(p.pid()), "GC.heap_info"));
    if (out == null) {
      return null;
    }
    Matcher m = HEAP_USED.matcher(out);
    return m.find() ? Long.parseLong(m.group(2)) * 1024 : null;
  }

  /** Whether the process runs a {@code java} executable. */
  static boolean isJava(ProcessHandle p) {
    return p.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false);
  }

  private static String jcmd() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
  }

  private static Long field(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, not readable, or not Linux
    }
    return null;
  }

  /** Runs a short command; its output, or null when it fails or takes over 20 s. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
