package io.ckpt.harness.bench.etcd;

import io.ckpt.harness.FreePorts;
import io.ckpt.harness.TempDirs;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new etcd cluster of separate member processes on free loopback ports, each with its data
 * directory and log file under one directory, fsync on (etcd's defaults). {@link #start} returns
 * once every member reports healthy; {@link #close} stops them one by one with SIGTERM, then
 * SIGKILL after a deadline. A JVM shutdown hook stops members that are still running when the JVM exits.
 */
public final class EtcdCluster implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdCluster.class);
  /** Starts whose ports were taken between picking and binding are retried this often. */
  private static final int START_ATTEMPTS = 3;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

  private final EtcdBinary binary;
  private final List<EtcdMember> members;
  private final List<String> extraFlags;
  private final Thread shutdownHook;

  private EtcdCluster(EtcdBinary binary, List<EtcdMember> members, List<String> extraFlags) {
    this.binary = binary;
    this.members = List.copyOf(members);
    this.extraFlags = List.copyOf(extraFlags);
    this.shutdownHook = new Thread(this::stopMembers, "etcd-cluster-shutdown");
  }

  /** A 3-member cluster under {@code dir} with etcd's defaults, healthy within 60 s. */
  public static EtcdCluster start(EtcdBinary binary, Path dir) {
    return start(binary, dir, 3, Duration.ofSeconds(60), List.of());
  }

  /**
   * A cluster of {@code size} members under {@code dir}, healthy within {@code deadline}; every
   * member also gets {@code extraFlags} (e.g. {@code --quota-backend-bytes=...}).
   */
  public static EtcdCluster start(EtcdBinary binary, Path dir, int size, Duration deadline,
      List<String> extraFlags) {
    if (size < 1) {
      throw new IllegalArgumentException("an etcd cluster needs at least one member, not " + size);
    }
    for (int attempt = 1; ; attempt++) {
      EtcdCluster cluster = new EtcdCluster(binary, newMembers(dir, size), extraFlags);
      try {
        cluster.launch(deadline);
        return cluster;
      } catch (PortTakenException e) {
        cluster.close();
        if (attempt == START_ATTEMPTS) {
          throw new IllegalStateException("etcd could not bind its ports in " + START_ATTEMPTS
              + " attempts: " + e.getMessage());
        }
        LOG.warn("etcd start attempt {} lost a port race, retrying on other ports: {}", attempt, e.getMessage());
        cluster.members.forEach(m -> TempDirs.deleteQuietly(m.dataDir()));
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    }
  }

  private static List<EtcdMember> newMembers(Path dir, int size) {
    List<Integer> ports = FreePorts.pick(2 * size);
    List<EtcdMember> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      members.add(new EtcdMember("m" + (i + 1), ports.get(2 * i), ports.get(2 * i + 1), dir));
    }
    return members;
  }

  private void launch(Duration deadline) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    String initialCluster = members.stream().map(m -> m.name() + "=" + m.peerUrl())
        .collect(Collectors.joining(","));
    String token = "ckpt-bench-" + UUID.randomUUID();
    for (EtcdMember m : members) {
      m.start(binary, initialCluster, token, extraFlags);
    }
    awaitHealthy(deadline);
    LOG.info("etcd {} cluster healthy: {}", binary.version(), members);
  }

  /** Polls every member's {@code /health} until all say {@code true}, a member dies, or the deadline. */
  private void awaitHealthy(Duration deadline) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + deadline.toNanos();
    List<EtcdMember> waiting = new ArrayList<>(members);
    while (true) {
      for (EtcdMember m : members) {
        if (!m.isAlive()) {
          String tail = m.logTail(5);
          String message = "etcd member " + m + " exited with " + m.process().exitValue() + ": " + tail;
          if (tail.contains("address already in use")) {
            throw new PortTakenException(message);
          }
          throw new IllegalStateException(message + " (log: " + m.logFile() + ")");
        }
      }
      waiting.removeIf(m -> isHealthy(http, m));
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("etcd members " + waiting + " not healthy within " + deadline
            + "; logs in " + waiting.get(0).logFile().getParent());
      }
      sleep(POLL_INTERVAL);
    }
  }

  private static boolean isHealthy(HttpClient http, EtcdMember m) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(m.clientUrl() + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  public EtcdBinary binary() {
    return binary;
  }

  public List<EtcdMember> members() {
    return members;
  }

  /** Every member's client URL, e.g. {@code http://127.0.0.1:23790}. */
  public List<URI> clientEndpoints() {
    return members.stream().map(m -> URI.create(m.clientUrl())).toList();
  }

  /** The members' operating-system processes. */
  public List<ProcessHandle> processes() {
    return members.stream().map(EtcdMember::processHandle).toList();
  }

  /** Stops every member, one by one: SIGTERM, then SIGKILL if it still runs after 10 s. */
  @Override
  public void close() {
    long start = System.nanoTime();
    stopMembers();
    LOG.info("etcd cluster stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already shutting down, or the hook was never added
    }
  }

  /**
   * One member at a time. A leader asked to stop first hands its leadership to a follower and
   * waits for that to finish; when every member is stopped at once the handover cannot finish
   * and each leader waits out etcd's request timeout (7 s here) before exiting.
   */
  private void stopMembers() {
    for (EtcdMember m : members) {
      if (!m.isAlive()) {
        continue;
      }
      Process p = m.process();
      p.destroy();
      try {
        if (!p.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("etcd member {} (pid {}) ignored SIGTERM for {}: killing it", m.name(), p.pid(), STOP_DEADLINE);
          p.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  /** A member could not bind a port picked as free (another process took it meanwhile). */
  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }
}
