package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.FreePorts;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Three {@link AckNode}s on loopback, each on a free port with its data in {@code dir/<id>},
 * laid out as asked. Closing stops them and deletes their data directories (node logs stay).
 */
interface AckCluster extends AutoCloseable {
  int NODES = 3;

  List<PeerAddress> peers();

  /** The operating-system processes holding the nodes. */
  List<ProcessHandle> processes();

  boolean inThisJvm();

  /** Where the nodes run, for a report ("3 nodes in this JVM"). */
  String where();

  /** Why the cluster cannot work any more (a node process ended), if it cannot. */
  java.util.Optional<String> failure();

  @Override
  void close();

  /**
   * Starts the nodes (without waiting for a leader).
   *
   * @param properties Ratis or ckpt properties set on every node after ckpt's defaults
   * @param jvmArgs extra flags of each node's JVM ({@link Layout#PROCESSES} only)
   */
  static AckCluster start(Layout layout, Path dir, Map<String, String> properties, List<String> jvmArgs) {
    List<PeerAddress> peers = FreePorts.loopbackPeers(NODES);
    for (PeerAddress p : peers) {
      Path nodeDir = dir.resolve(p.id());
      if (Files.exists(nodeDir)) {
        throw new IllegalArgumentException(nodeDir + " exists: start the bare Ratis cluster in a fresh directory");
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (layout) {
      case IN_JVM -> {
        if (!jvmArgs.isEmpty()) {
          throw new IllegalArgumentException("JVM flags " + jvmArgs + " need separate node processes, not " + layout);
        }
        yield InJvmAckCluster.start(dir, peers, properties);
      }
      case PROCESSES -> ProcessAckCluster.start(dir, peers, properties, jvmArgs);
    };
  }
}
