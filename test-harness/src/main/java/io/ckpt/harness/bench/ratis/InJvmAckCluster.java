package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.TempDirs;
import io.ckpt.server.node.NodeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The nodes as Ratis servers in this JVM (as {@code MiniCluster} runs ckpt's). */
final class InJvmAckCluster implements AckCluster {
  private static final Logger LOG = LoggerFactory.getLogger(InJvmAckCluster.class);
  private final Path dir;
  private final List<PeerAddress> peers;
  private final List<PeerAddress> dataStreamPeers;
  private final Map<String, String> properties;
  private final Map<String, AckNode> running = new LinkedHashMap<>();

  private InJvmAckCluster(Path dir, List<PeerAddress> peers, List<PeerAddress> dataStreamPeers,
      Map<String, String> properties) {
    this.dir = dir;
    this.peers = List.copyOf(peers);
    this.dataStreamPeers = List.copyOf(dataStreamPeers);
    this.properties = Map.copyOf(properties);
  }

  static InJvmAckCluster start(Path dir, List<PeerAddress> peers, List<PeerAddress> dataStreamPeers,
      Map<String, String> properties) {
    InJvmAckCluster c = new InJvmAckCluster(dir, peers, dataStreamPeers, properties);
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

  /** Starts a stopped node on its port and directory. */
  synchronized void start(String id) {
    if (running.containsKey(id)) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    try {
      running.put(id, AckNode.start(new NodeOptions(id, peers, dir.resolve(id), properties), dataStreamPeers));
    } catch (IOException e) {
      throw new UncheckedIOException("node " + id + " did not start: " + e.getMessage(), e);
    }
  }

  /** Stops a node cleanly, keeping its data. */
  synchronized void stop(String id) {
    AckNode node = running.remove(id);
    if (node == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    try {
      node.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized AckNode node(String id) {
    AckNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    return n;
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
  public List<ProcessHandle> processes() {
    return List.of(ProcessHandle.current());
  }

  @Override
  public boolean inThisJvm() {
    return true;
  }

  @Override
  public String where() {
    return peers.size() + " nodes in this JVM";
  }

  @Override
  public Optional<String> failure() {
    return Optional.empty();
  }

  @Override
  public synchronized void close() {
    for (String id : List.copyOf(running.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException e) {
        LOG.warn("closing bare Ratis node {}: {}", id, e.toString());
      }
    }
    for (PeerAddress p : peers) {
      TempDirs.deleteQuietly(dir.resolve(p.id()));
    }
  }
}
