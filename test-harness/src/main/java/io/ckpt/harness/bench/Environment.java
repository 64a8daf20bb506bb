package io.ckpt.harness.bench;

import io.ckpt.harness.bench.results.RunInfo;
import io.ckpt.harness.bench.systems.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Captures the {@link RunInfo} of an invocation: versions, machine, load at start. */
final class Environment {
  private Environment() {}

  static RunInfo capture(String command, Path workDir) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String id = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    return new RunInfo(id, now.toString(), command, Versions.ckpt(), Versions.ratis(), Versions.jdk(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(), cpuModel(), memoryBytes(), loadAverage(),
        Runtime.getRuntime().maxMemory(), workDir.toAbsolutePath().normalize().toString(), fileSystem(workDir),
        java.util.Objects.requireNonNullElse(ProcFs.blockDevice(workDir), ""));
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String cpuModel() {
    return lines("/proc/cpuinfo").stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
  }

  private static long memoryBytes() {
    for (String l : lines("/proc/meminfo")) {
      if (l.startsWith("MemTotal:")) {
        return Long.parseLong(l.replaceAll("\\D+", "")) * 1024;
      }
    }
    return 0;
  }

  private static String loadAverage() {
    List<String> l = lines("/proc/loadavg");
    if (l.isEmpty()) {
      return "";
    }
    String[] f = l.get(0).trim().split("\\s+");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "";
  }

  /** The type of the file system holding {@code dir}, or empty. */
  static String fileSystem(Path dir) {
    ProcFs.Mount m = ProcFs.mount(dir);
    return m == null ? "" : m.type();
  }
}
