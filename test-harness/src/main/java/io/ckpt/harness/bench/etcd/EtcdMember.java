package io.ckpt.harness.bench.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One etcd member of an {@link EtcdCluster}: its name, loopback client and peer ports, data
 * directory, log file and, once started, its process.
 */
public final class EtcdMember {
  static final String HOST = "127.0.0.1";

  private final String name;
  private final int clientPort;
  private final int peerPort;
  private final Path dataDir;
  private final Path logFile;
  private volatile Process process;

  EtcdMember(String name, int clientPort, int peerPort, Path dir) {
    this.name = name;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.dataDir = dir.resolve(name);
    this.logFile = dir.resolve(name + ".log");
  }

  public String name() {
    return name;
  }

  /** Where clients connect, e.g. {@code http://127.0.0.1:23790}. */
  public String clientUrl() {
    return "http://" + HOST + ":" + clientPort;
  }

  /** Where the other members connect. */
  public String peerUrl() {
    return "http://" + HOST + ":" + peerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The member's stdout and stderr (etcd logs to stderr). */
  public Path logFile() {
    return logFile;
  }

  /** The member's process; only after {@link #start}. */
  public ProcessHandle processHandle() {
    if (process == null) {
      throw new IllegalStateException("etcd member " + name + " was not started");
    }
    return process.toHandle();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  Process process() {
    return process;
  }

  /**
   * Starts the member as one of a new cluster ({@code initialCluster} names every member's peer
   * URL), with {@code extraFlags} after ours.
   */
  void start(EtcdBinary binary, String initialCluster, String clusterToken, List<String> extraFlags) {
    List<String> cmd = new ArrayList<>(List.of(binary.path().toString(),
        "--name", name,
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", clientUrl(),
        "--advertise-client-urls", clientUrl(),
        "--listen-peer-urls", peerUrl(),
        "--initial-advertise-peer-urls", peerUrl(),
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", clusterToken,
        "--logger", "zap",
        "--log-outputs", "stderr"));
    cmd.addAll(extraFlags);
    try {
      Files.createDirectories(logFile.getParent());
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd member " + name + " (" + binary.path() + ")", e);
    }
  }

  /** The last lines of the member's log, for error messages. */
  String logTail(int lines) {
    try {
      return EtcdBinary.lastLines(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return name + "(client " + clientPort + ", peer " + peerPort + ")";
  }
}
