package io.ckpt.harness;

import io.ckpt.client.PeerAddress;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ckpt nodes as separate {@code ckpt server} processes (their own JVMs, heaps and data
 * directories) on loopback. Needs the built jar ({@code ratis-server/target/ckpt.jar}); the
 * project root comes from the {@code ckpt.home} system property (the test-harness pom sets it).
 */
public final class ProcessCluster implements AutoCloseable {
  private final Path dir;
  private final List<PeerAddress> peers;
  private final List<String> jvmArgs;
  private final Map<String, Process> running = new LinkedHashMap<>();

  private ProcessCluster(Path dir, List<PeerAddress> peers, List<String> jvmArgs) {
    this.dir = dir;
    this.peers = peers;
    this.jvmArgs = jvmArgs;
  }

  /** Starts {@code n} server processes, each JVM run with {@code jvmArgs} (e.g. {@code -Xmx256m}). */
  public static ProcessCluster start(int n, String... jvmArgs) {
    List<PeerAddress> peers = FreePorts.loopbackPeers(n);
    ProcessCluster c = new ProcessCluster(TempDirs.create("ckpt-proc-"), peers, List.of(jvmArgs));
    try {
      for (PeerAddress p : peers) {
        c.start(p.id());
      }
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public static Path home() {
    return Path.of(System.getProperty("ckpt.home", "..")).toAbsolutePath().normalize();
  }

  public static Path jar() {
    Path jar = home().resolve("ratis-server/target/ckpt.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn package first");
    }
    return jar;
  }

  /** The JVM flags Chronicle Map needs (from the root pom's ckpt.jvm.flags). */
  public static List<String> chronicleFlags() {
    String flags = System.getProperty("ckpt.jvm.flags", "");
    return flags.isBlank() ? List.of() : Arrays.asList(flags.trim().split("\\s+"));
  }

  public List<PeerAddress> peers() {
    return peers;
  }

  public String peersSpec() {
    return PeerAddress.format(peers);
  }

  public Path dir() {
    return dir;
  }

  public synchronized void start(String id) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(chronicleFlags());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar().toString(), "server", "--id", id, "--peers", peersSpec(),
        "--dir", dir.resolve(id).toString()));
    try {
      File log = dir.resolve(id + ".log").toFile();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
      running.put(id, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public synchronized void kill(String id) {
    Process p = running.remove(id);
    if (p != null) {
      p.destroyForcibly();
      waitFor(p);
    }
  }

  /** SIGTERM: a clean shutdown. */
  public synchronized void stop(String id) {
    Process p = running.remove(id);
    if (p != null) {
      p.destroy();
      waitFor(p);
    }
  }

  public synchronized boolean isAlive(String id) {
    Process p = running.get(id);
    return p != null && p.isAlive();
  }

  /** The operating-system process id of a running node. */
  public synchronized long pid(String id) {
    Process p = running.get(id);
    if (p == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    return p.pid();
  }

  /** SIGSTOP: the node freezes (no heartbeats, no replies) until {@link #resume}. */
  public void freeze(String id) {
    signal(pid(id), "STOP");
  }

  /** SIGCONT: a frozen node carries on. */
  public void resume(String id) {
    signal(pid(id), "CONT");
  }

  /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}, ...) with {@code kill -<signal> <pid>}. */
  public static void signal(long pid, String signal) {
    try {
      Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(k.getInputStream().readAllBytes());
      if (!k.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + pid, e);
    }
  }

  /** The node that reports itself leader (by {@code client.status()}), if exactly one does. */
  public static java.util.Optional<String> leader(io.ckpt.client.CheckpointClient client) {
    List<String> leaders = client.status().stream().filter(s -> s.role().equals("leader"))
        .map(io.ckpt.client.NodeStatus::id).toList();
    return leaders.size() == 1 ? java.util.Optional.of(leaders.get(0)) : java.util.Optional.empty();
  }

  /** The node's combined stdout and stderr so far. */
  public String log(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  private static void waitFor(Process p) {
    try {
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    for (String id : List.copyOf(running.keySet())) {
      kill(id);
    }
    TempDirs.deleteQuietly(dir);
  }
}
