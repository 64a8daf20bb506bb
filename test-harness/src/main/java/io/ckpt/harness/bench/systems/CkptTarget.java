package io.ckpt.harness.bench.systems;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PeerAddress;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.local.LocalStore;
import io.ckpt.harness.MiniCluster;
import io.ckpt.harness.ProcessCluster;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ckpt itself: three nodes on loopback, in this JVM ({@link MiniCluster}) or as three real
 * {@code ckpt server} processes ({@link ProcessCluster}), driven through one shared
 * {@link CheckpointClient}.
 *
 * <ul>
 *   <li>write: {@code put};</li>
 *   <li>read: a linearizable {@code get}, or with {@code stale} a stale {@code get} served by a
 *       follower (the key picks one of the followers seen at start);</li>
 *   <li>takeover: the calls {@link io.ckpt.client.CheckpointSession#takeOver()} makes when its
 *       local copy is not current: {@code acquire} with force (a new owner fences the previous
 *       one), {@code describe}, then {@code load} of the latest version into a memory-mapped
 *       {@link LocalStore}. The store is opened once, when the target starts (opening costs about
 *       two seconds of code generation), and its open time is in the {@link #description()}.</li>
 * </ul>
 */
public final class CkptTarget implements BenchTarget {
  /** Long enough for one 64 MiB operation among 64 on a busy 2-core machine. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  /** Leases of bench owners are never renewed and must not expire during a run. */
  private static final Duration LEASE_TTL = Duration.ofHours(1);
  /** ckpt's default largest segment (see DESIGN.md). */
  private static final long MAX_SEGMENT = 1L << 30;
  /**
   * Node settings: keep one version per segment instead of three, and raise the store quota
   * from 1 GB. Every key of every workload holds values of up to --max-in-flight bytes in all;
   * retention decides how many old versions stay stored, not the work a write does (each
   * applied version frees the one that falls out), so write figures do not depend on it.
   */
  private static final Map<String, String> NODE_PROPERTIES = Map.of(
      CkptStoreConfigKeys.RETAIN_KEY, "1",
      CkptStoreConfigKeys.QUOTA_KEY, "64GB");

  private final Layout layout;
  private final boolean streams;
  private final AutoCloseable cluster;
  private final List<ProcessHandle> processes;
  private final CheckpointClient client;
  private final LocalStore store;
  private final List<String> followers;
  private final String description;
  private final AtomicLong owners = new AtomicLong();

  private CkptTarget(Layout layout, boolean streams, AutoCloseable cluster, List<ProcessHandle> processes,
      CheckpointClient client, LocalStore store, List<String> followers, String description) {
    this.layout = layout;
    this.streams = streams;
    this.cluster = cluster;
    this.processes = processes;
    this.client = client;
    this.store = store;
    this.followers = followers;
    this.description = description;
  }

  /** Starts three nodes under {@code dir}, waits for a leader and opens the local store. */
  public static CkptTarget start(Layout layout, Path dir) {
    return start(layout, dir, false);
  }

  /**
   * As {@link #start(Layout, Path)}; with {@code streams} every node has a stream port, so
   * chunked writes (over one chunk) send their bytes as DataStream streams, not through the log.
   */
  public static CkptTarget start(Layout layout, Path dir, boolean streams) {
    AutoCloseable cluster = null;
    CheckpointClient client = null;
    try {
      List<PeerAddress> peers;
      List<ProcessHandle> processes;
      if (layout == Layout.IN_JVM) {
        MiniCluster.Builder b = MiniCluster.builder().nodes(3).streams(streams).directory(dir.resolve("cluster"));
        NODE_PROPERTIES.forEach(b::property);
        MiniCluster mini = b.start();
        cluster = mini;
        peers = mini.peers();
        processes = List.of(ProcessHandle.current());
      } else {
        ProcessCluster.Builder b = ProcessCluster.builder().nodes(3).streams(streams).directory(dir.resolve("cluster"));
        NODE_PROPERTIES.forEach(b::property);
        ProcessCluster procs = b.start();
        cluster = procs;
        peers = procs.peers();
        processes = procs.runningIds().stream().map(id -> ProcessHandle.of(procs.pid(id)).orElseThrow()).toList();
      }
      client = CheckpointClient.builder().peers(peers).timeout(CLIENT_TIMEOUT).build();
      String leader = awaitLeader(client);
      List<String> followers = peers.stream().map(PeerAddress::id).filter(id -> !id.equals(leader)).toList();
      long t0 = System.nanoTime();
      LocalStore store = LocalStore.open(dir.resolve("local-store"));
      double openS = (System.nanoTime() - t0) / 1e9;
      // On 2 cores a common pool of 1 thread makes Ratis start a thread per follower append
      // (docs/benchmarks.md): server processes get 2; in this JVM it is whatever the JVM was given.
      String where = layout == Layout.IN_JVM
          ? "3 nodes in this JVM (common pool parallelism " + ForkJoinPool.getCommonPoolParallelism() + ")"
          : "3 `ckpt server` processes";
      String description = String.format(Locale.ROOT, "ckpt %s on Ratis %s, %s%s, node settings %s; takeover "
          + "loads into a local store opened once at start (%.1f s, not counted)", Versions.ckpt(), Versions.ratis(),
          where, streams ? " with stream ports (chunked writes as DataStream streams)" : "",
          new TreeMap<>(NODE_PROPERTIES), openS);
      return new CkptTarget(layout, streams, cluster, processes, client, store, followers, description);
    } catch (RuntimeException e) {
      closeQuietly(client);
      closeQuietly(cluster);
      throw e;
    }
  }

  private static String awaitLeader(CheckpointClient client) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      Optional<String> leader = Optional.empty();
      try {
        leader = ProcessCluster.leader(client);
      } catch (RuntimeException e) {
        // nodes still starting
      }
      if (leader.isPresent()) {
        return leader.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ckpt: no leader within " + READY_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a leader", e);
      }
    }
  }

  @Override
  public String system() {
    return streams ? "ckpt-stream" : "ckpt";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long maxValueBytes() {
    return MAX_SEGMENT;
  }

  @Override
  public boolean supports(Operation op) {
    return true;
  }

  @Override
  public void write(String key, byte[] value) {
    client.put(key, value);
  }

  @Override
  public byte[] read(String key, boolean stale) {
    if (!stale) {
      return client.get(key).data();
    }
    String follower = followers.get(Math.floorMod(key.hashCode(), followers.size()));
    return client.get(key, ReadOptions.latest().stale().fromNode(follower)).data();
  }

  @Override
  public long takeover(String key) {
    client.acquire(key, "bench-owner-" + owners.incrementAndGet(), LEASE_TTL, true);
    client.describe(key);
    SegmentInfo loaded = client.load(key, store);
    return loaded.size();
  }

  @Override
  public List<ProcessHandle> nodeProcesses() {
    return processes;
  }

  @Override
  public boolean nodesInThisJvm() {
    return layout == Layout.IN_JVM;
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(store);
    closeQuietly(cluster);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing
    }
  }
}
