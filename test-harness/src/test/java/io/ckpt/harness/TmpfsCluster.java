package io.ckpt.harness;

import io.ckpt.client.PeerAddress;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ckpt server} processes whose data directories are small tmpfs mounts, each in its own
 * mount namespace, so a test can fill a node's filesystem (a real ENOSPC) and free it again.
 * Each node's namespace is held by a {@code sleep} process, so the tmpfs and its files survive
 * the node being killed and restarted. Needs root, {@code unshare}, {@code nsenter} and tmpfs:
 * see {@link #available()}.
 */
final class TmpfsCluster implements AutoCloseable {
  private final Path dir;
  private final List<PeerAddress> peers;
  private final List<String> serverArgs;
  private final Map<String, Process> holders = new LinkedHashMap<>();
  private final Map<String, Process> nodes = new LinkedHashMap<>();

  private TmpfsCluster(Path dir, List<PeerAddress> peers, List<String> serverArgs) {
    this.dir = dir;
    this.peers = peers;
    this.serverArgs = serverArgs;
  }

  /** Whether tmpfs mounts in private mount namespaces can be made here (root and the tools). */
  static boolean available() {
    Path probe = TempDirs.create("ckpt-tmpfs-probe-");
    try {
      Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs \"$0\"",
          probe.toString()).redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
          && new ProcessBuilder("nsenter", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    } finally {
      TempDirs.deleteQuietly(probe);
    }
  }

  /**
   * Starts {@code n} nodes, each on a tmpfs of {@code tmpfsSize} (e.g. {@code 96m}), run with
   * {@code -D key=value} server properties.
   */
  static TmpfsCluster start(int n, String tmpfsSize, Map<String, String> properties) {
    List<String> args = new ArrayList<>();
    properties.forEach((k, v) -> args.addAll(List.of("-D", k + "=" + v)));
    TmpfsCluster c = new TmpfsCluster(TempDirs.create("ckpt-tmpfs-"), FreePorts.loopbackPeers(n), args);
    try {
      for (PeerAddress p : c.peers) {
        c.mount(p.id(), tmpfsSize);
      }
      for (PeerAddress p : c.peers) {
        c.start(p.id());
      }
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  String peersSpec() {
    return PeerAddress.format(peers);
  }

  Path nodeDir(String id) {
    return dir.resolve(id);
  }

  private void mount(String id, String size) {
    Path mountPoint = nodeDir(id);
    try {
      Files.createDirectories(mountPoint);
      Process holder = new ProcessBuilder("unshare", "-m", "sh", "-c",
          "mount -t tmpfs -o size=" + size + " tmpfs \"$0\" && echo mounted && exec sleep 100000", mountPoint.toString())
          .redirectErrorStream(true).start();
      holders.put(id, holder);
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
      if (!"mounted".equals(line)) {
        throw new IllegalStateException("cannot mount a tmpfs on " + mountPoint + ": " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts (or restarts) node {@code id} inside its mount namespace. */
  synchronized void start(String id) {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holders.get(id).pid()), "-m", "--"));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ProcessCluster.chronicleFlags());
    cmd.add("-Xmx256m");
    cmd.addAll(List.of("-jar", ProcessCluster.jar().toString(), "server", "--id", id, "--peers", peersSpec(),
        "--dir", nodeDir(id).resolve("data").toString()));
    cmd.addAll(serverArgs);
    try {
      File log = dir.resolve(id + ".log").toFile();
      nodes.put(id, new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized boolean isAlive(String id) {
    Process p = nodes.get(id);
    return p != null && p.isAlive();
  }

  /** SIGKILL. */
  synchronized void kill(String id) {
    Process p = nodes.remove(id);
    if (p != null) {
      p.destroyForcibly();
      ProcessCluster.waitFor(p);
    }
  }

  /** Runs a shell command inside node {@code id}'s mount namespace; returns its output. */
  String inNamespace(String id, String script) {
    try {
      Process p = new ProcessBuilder("nsenter", "-t", Long.toString(holders.get(id).pid()), "-m", "--", "sh", "-c",
          script, nodeDir(id).toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("in " + id + "'s namespace, '" + script + "' failed: " + out.trim());
      }
      return out.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Bytes free on node {@code id}'s tmpfs. */
  long freeBytes(String id) {
    return Long.parseLong(inNamespace(id, "df -B1 --output=avail \"$0\" | tail -1").trim());
  }

  /** Fills node {@code id}'s tmpfs with a filler file until only {@code leave} bytes are free. */
  void fill(String id, long leave) {
    inNamespace(id, "rm -f \"$0/filler\"; avail=$(df -B1 --output=avail \"$0\" | tail -1); "
        + "size=$((avail - " + leave + ")); if [ $size -gt 0 ]; then fallocate -l $size \"$0/filler\"; fi");
  }

  /** Removes the filler file: the space is back. */
  void free(String id) {
    inNamespace(id, "rm -f \"$0/filler\"");
  }

  String log(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public synchronized void close() {
    for (String id : List.copyOf(nodes.keySet())) {
      kill(id);
    }
    for (Process h : holders.values()) {
      h.destroyForcibly();
      ProcessCluster.waitFor(h);
    }
    holders.clear();
    TempDirs.deleteQuietly(dir);
  }
}
