package io.ckpt.harness;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PeerAddress;
import io.ckpt.server.node.CkptNode;
import io.ckpt.server.node.NodeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * N ckpt nodes in this JVM on loopback, each on a free port with its own directory under a
 * fresh temporary directory. Nodes can be stopped (clean close), crashed (closed without the
 * store's clean marker, so it is rebuilt from snapshot plus log like after a real crash) and
 * restarted on the same port and directory. {@link #close()} stops everything and deletes the
 * directory.
 */
public final class MiniCluster implements AutoCloseable {
  private final Path dir;
  private final List<PeerAddress> peers;
  private final Map<String, String> properties;
  private final Map<String, CkptNode> running = new LinkedHashMap<>();
  private final List<CheckpointClient> clients = new ArrayList<>();

  private MiniCluster(Path dir, List<PeerAddress> peers, Map<String, String> properties) {
    this.dir = dir;
    this.peers = peers;
    this.properties = properties;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts {@code n} nodes with default settings. */
  public static MiniCluster start(int n) {
    return builder().nodes(n).start();
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

  public Path nodeDir(String id) {
    return dir.resolve(id);
  }

  public synchronized List<String> runningIds() {
    return List.copyOf(running.keySet());
  }

  public synchronized CkptNode node(String id) {
    CkptNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    return n;
  }

  /** The current leader among running nodes, if one is known. */
  public synchronized Optional<String> leader() {
    return running.values().stream().filter(CkptNode::isLeader).map(CkptNode::id).findFirst();
  }

  /** Waits (polling) for a leader among running nodes. */
  public String awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> l = leader();
      if (l.isPresent()) {
        return l.get();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no leader within " + timeout);
  }

  /** A client for the whole cluster, closed with the cluster. */
  public CheckpointClient client() {
    return client(b -> b);
  }

  /** A client built with extra settings, closed with the cluster. */
  public synchronized CheckpointClient client(Function<CheckpointClient.Builder, CheckpointClient.Builder> customize) {
    CheckpointClient c = customize.apply(CheckpointClient.builder().peers(peers).timeout(Duration.ofSeconds(30))).build();
    clients.add(c);
    return c;
  }

  /** Starts a stopped node on its port and directory. */
  public synchronized CkptNode start(String id) {
    if (running.containsKey(id)) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    try {
      CkptNode node = CkptNode.start(new NodeOptions(id, peers, nodeDir(id), properties));
      running.put(id, node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops a node cleanly (its store is reused on restart). */
  public synchronized void stop(String id) {
    CkptNode node = running.remove(id);
    if (node == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    try {
      node.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops a node as a crash would leave it: its store is not trusted on restart and is rebuilt
   * from the latest snapshot plus the Raft log.
   */
  public synchronized void crash(String id) {
    stop(id);
    try {
      Files.deleteIfExists(nodeDir(id).resolve("store").resolve("CLEAN"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void restart(String id) {
    stop(id);
    start(id);
  }

  @Override
  public synchronized void close() {
    for (CheckpointClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // closing
      }
    }
    clients.clear();
    for (String id : List.copyOf(running.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException ignored) {
        // closing
      }
    }
    TempDirs.deleteQuietly(dir);
  }

  /** Configures a cluster: node count and node properties (see CkptStoreConfigKeys). */
  public static final class Builder {
    private int nodes = 3;
    private boolean streams;
    private Path dir;
    private final Map<String, String> properties = new HashMap<>();

    public Builder nodes(int n) {
      if (n < 1 || n > 9) {
        throw new IllegalArgumentException("nodes must be 1..9");
      }
      this.nodes = n;
      return this;
    }

    /** Gives every node a stream port too, so clients send chunked uploads as DataStream streams. */
    public Builder streams(boolean on) {
      this.streams = on;
      return this;
    }

    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /**
     * Keeps the nodes' data in {@code dir} (created if missing; deleted on close) instead of a
     * fresh temporary directory, e.g. to put them on a chosen disk.
     */
    public Builder directory(Path dir) {
      this.dir = dir;
      return this;
    }

    public MiniCluster start() {
      Path dir = this.dir != null ? TempDirs.createDirectories(this.dir) : TempDirs.create("ckpt-mini-");
      List<PeerAddress> peers = FreePorts.loopbackPeers(nodes, streams);
      MiniCluster c = new MiniCluster(dir, peers, Map.copyOf(properties));
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
  }
}
