package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.ProcessCluster;
import io.ckpt.harness.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The nodes as {@link AckServerMain} processes, launched like {@link ProcessCluster} launches
 * ckpt servers: this JVM's {@code java} with ckpt's JVM flags and server common-pool
 * parallelism ({@link ProcessCluster#serverJavaCommand}), output appended to
 * {@code dir/<id>.log}. The class path is this JVM's own ({@code java.class.path}): the
 * harness jar when run by {@code bin/ckpt bench}, the build's classes under Maven, so the
 * nodes always run the code the benchmark runs. A shutdown hook kills the processes should the
 * benchmark end without closing the cluster; the nodes also end themselves when this JVM does.
 */
final class ProcessAckCluster implements AckCluster {
  private static final int LOG_TAIL_LINES = 5;
  private final Path dir;
  private final List<PeerAddress> peers;
  private final List<PeerAddress> dataStreamPeers;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Thread killOnExit = new Thread(this::killAll, "ack-cluster-kill");
  private boolean closed;

  private ProcessAckCluster(Path dir, List<PeerAddress> peers, List<PeerAddress> dataStreamPeers) {
    this.dir = dir;
    this.peers = List.copyOf(peers);
    this.dataStreamPeers = List.copyOf(dataStreamPeers);
  }

  static ProcessAckCluster start(Path dir, List<PeerAddress> peers, List<PeerAddress> dataStreamPeers,
      Map<String, String> properties, List<String> jvmArgs) {
    ProcessAckCluster c = new ProcessAckCluster(dir, peers, dataStreamPeers);
    Runtime.getRuntime().addShutdownHook(c.killOnExit);
    try {
      for (PeerAddress p : peers) {
        c.launch(p.id(), properties, jvmArgs);
      }
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private synchronized void launch(String id, Map<String, String> properties, List<String> jvmArgs) {
    List<String> cmd = ProcessCluster.serverJavaCommand();
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AckServerMain.class.getName(),
        "--id", id, "--peers", PeerAddress.format(peers), "--dir", dir.resolve(id).toString()));
    if (!dataStreamPeers.isEmpty()) {
      cmd.addAll(List.of("--data-stream-peers", PeerAddress.format(dataStreamPeers)));
    }
    properties.forEach((k, v) -> cmd.addAll(List.of("-D", k + "=" + v)));
    processes.put(id, ProcessCluster.launch(cmd, log(id)));
  }

  private Path log(String id) {
    return dir.resolve(id + ".log");
  }

  @Override
  public List<PeerAddress> peers() {
    return peers;
  }

  @Override
  public List<PeerAddress> dataStreamPeers() {
    return dataStreamPeers;
  }

  @Override
  public synchronized List<ProcessHandle> processes() {
    return processes.values().stream().map(Process::toHandle).toList();
  }

  @Override
  public boolean inThisJvm() {
    return false;
  }

  @Override
  public String where() {
    return peers.size() + " processes";
  }

  @Override
  public synchronized Optional<String> failure() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      Process p = e.getValue();
      if (!p.isAlive()) {
        return Optional.of("bare Ratis node " + e.getKey() + " (pid " + p.pid() + ") ended with exit code "
            + p.exitValue() + "; the end of " + log(e.getKey()) + ":\n" + tail(log(e.getKey())));
      }
    }
    return Optional.empty();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private synchronized void killAll() {
    List<Process> killed = new ArrayList<>();
    for (Process p : processes.values()) {
      if (p.isAlive()) {
        p.destroyForcibly();
        killed.add(p);
      }
    }
    killed.forEach(ProcessCluster::waitFor);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or will run
    }
    killAll();
    for (PeerAddress p : peers) {
      TempDirs.deleteQuietly(dir.resolve(p.id()));
    }
  }
}
