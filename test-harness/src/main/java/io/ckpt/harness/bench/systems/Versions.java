package io.ckpt.harness.bench.systems;

import io.ckpt.harness.ProcessCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Versions of what a benchmark runs, for its report: ckpt's git commit, Ratis, the JDK. */
public final class Versions {
  private static volatile String ckpt;

  private Versions() {}

  /**
   * The git commit of the ckpt checkout ({@code ckpt.home}), with {@code -dirty} when tracked
   * files differ from it; the jar's version when there is no git checkout.
   */
  public static String ckpt() {
    String v = ckpt;
    if (v == null) {
      Path home = ProcessCluster.home();
      String commit = git(home, "rev-parse", "--short=12", "HEAD");
      if (commit == null || commit.isBlank()) {
        String jar = io.ckpt.server.cli.CkptCommand.class.getPackage().getImplementationVersion();
        v = jar == null ? "dev" : jar;
      } else {
        String changes = git(home, "status", "--porcelain", "--untracked-files=no");
        v = commit.strip() + (changes != null && !changes.isBlank() ? "-dirty" : "");
      }
      ckpt = v;
    }
    return v;
  }

  /** The Apache Ratis version on the class path. */
  public static String ratis() {
    String v = org.apache.ratis.server.RaftServer.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in = Versions.class.getResourceAsStream(
        "/META-INF/maven/org.apache.ratis/ratis-server/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // unknown
    }
    return "unknown";
  }

  /** The JDK running the benchmark, e.g. {@code OpenJDK 17.0.15+6-Debian-1deb12u1}. */
  public static String jdk() {
    return System.getProperty("java.vm.name", "Java").replace(" 64-Bit Server VM", "") + " "
        + System.getProperty("java.runtime.version", System.getProperty("java.version"));
  }

  private static String git(Path dir, String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      p.getErrorStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
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
