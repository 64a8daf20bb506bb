package io.ckpt.harness.bench.etcd;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code etcd} program and its version: the one on {@code PATH} (or {@code /usr/bin/etcd});
 * when there is none and this process runs as root, Debian's {@code etcd-server} package is
 * installed with {@code apt-get}.
 */
public record EtcdBinary(Path path, String version) {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdBinary.class);
  private static final Path DEBIAN_PATH = Path.of("/usr/bin/etcd");
  private static final Pattern VERSION = Pattern.compile("etcd Version:\\s*(\\S+)");
  private static final long COMMAND_TIMEOUT_MINUTES = 10;

  /** Finds etcd, installing it first when it is missing and this process may. */
  public static synchronized EtcdBinary locate() {
    Path path = find().orElseGet(EtcdBinary::install);
    EtcdBinary binary = new EtcdBinary(path, readVersion(path));
    LOG.info("etcd {} at {}", binary.version(), binary.path());
    return binary;
  }

  /** The {@code etcd} on {@code PATH}, else {@code /usr/bin/etcd}, if either is executable. */
  static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String pathVariable = System.getenv().getOrDefault("PATH", "");
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "etcd"));
      }
    }
    candidates.add(DEBIAN_PATH);
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  private static Path install() {
    if (!isRoot()) {
      throw new IllegalStateException("etcd is not installed (no `etcd` on PATH nor at " + DEBIAN_PATH
          + "): install it with `sudo apt-get install etcd-server` (Debian/Ubuntu) or put an etcd 3.4+ "
          + "binary on PATH");
    }
    LOG.info("etcd not found: installing Debian's etcd-server with apt-get");
    if (!aptGet("install", "-y", "-q", "etcd-server")) {
      // A fresh machine has no package lists yet.
      aptGet("update", "-q");
      if (!aptGet("install", "-y", "-q", "etcd-server")) {
        throw new IllegalStateException("`apt-get install etcd-server` failed (see the log above); "
            + "install etcd 3.4+ by hand and put it on PATH");
      }
    }
    return find().orElseThrow(() -> new IllegalStateException(
        "etcd-server was installed but no `etcd` is on PATH nor at " + DEBIAN_PATH));
  }

  private static boolean isRoot() {
    try {
      // /proc/self belongs to this process's user.
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean aptGet(String... args) {
    List<String> cmd = new ArrayList<>(List.of("apt-get"));
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
    builder.environment().putAll(Map.of("DEBIAN_FRONTEND", "noninteractive"));
    Output out = run(builder);
    if (out.exitCode() != 0) {
      LOG.warn("{} exited with {}: {}", String.join(" ", cmd), out.exitCode(), lastLines(out.text(), 5));
    }
    return out.exitCode() == 0;
  }

  /** Parses {@code etcd --version} ("etcd Version: 3.4.23" on its first line). */
  static String readVersion(Path etcd) {
    Output out = run(new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true));
    Matcher m = VERSION.matcher(out.text());
    if (out.exitCode() != 0 || !m.find()) {
      throw new IllegalStateException("`" + etcd + " --version` did not print a version (exit "
          + out.exitCode() + "): " + lastLines(out.text(), 3));
    }
    return m.group(1);
  }

  private static Output run(ProcessBuilder builder) {
    Path output = null;
    try {
      // Output goes to a file, so a command that hangs cannot block us past the timeout.
      output = Files.createTempFile("ckpt-etcd-cmd", ".log");
      Process p = builder.redirectOutput(output.toFile()).start();
      if (!p.waitFor(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", builder.command()) + " did not finish in "
            + COMMAND_TIMEOUT_MINUTES + " minutes");
      }
      return new Output(p.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + builder.command().get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + builder.command().get(0), e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  static String lastLines(String text, int n) {
    String[] lines = text.strip().split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
  }

  private record Output(int exitCode, String text) {}
}
