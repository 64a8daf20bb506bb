package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.FreePorts;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three {@link AckNode}s on loopback, each on a free port with its data in {@code dir/<id>},
 * laid out as asked; with DataStream, each also on a second free port for streams. Closing
 * stops them and deletes their data directories (node logs stay).
 */
interface AckCluster extends AutoCloseable {
  int NODES = 3;

  List<PeerAddress> peers();

  /** The nodes' data-stream addresses (same ids as {@link #peers}); empty without DataStream. */
  List<PeerAddress> dataStreamPeers();

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
    return start(layout, dir, properties, jvmArgs, false);
  }

  /**
   * Starts the nodes (without waiting for a leader), with Ratis DataStream if {@code dataStream}.
   *
   * @param properties Ratis or ckpt properties set on every node after ckpt's defaults (and
   *     after the DataStream settings)
   * @param jvmArgs extra flags of each node's JVM ({@link Layout#PROCESSES} only)
   */
  static AckCluster start(Layout layout, Path dir, Map<String, String> properties, List<String> jvmArgs,
      boolean dataStream) {
    // All ports picked at once, so the data-stream ports cannot repeat a Raft port.
    List<Integer> ports = FreePorts.pick(dataStream ? 2 * NODES : NODES);
    List<PeerAddress> peers = loopback(ports.subList(0, NODES));
    List<PeerAddress> dataStreamPeers = dataStream ? loopback(ports.subList(NODES, 2 * NODES)) : List.of();
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
        yield InJvmAckCluster.start(dir, peers, dataStreamPeers, properties);
      }
      case PROCESSES -> ProcessAckCluster.start(dir, peers, dataStreamPeers, properties, jvmArgs);
    };
  }

  /** Nodes n1..nN on 127.0.0.1 at {@code ports}. */
  private static List<PeerAddress> loopback(List<Integer> ports) {
    List<PeerAddress> peers = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      peers.add(new PeerAddress("n" + (i + 1), "127.0.0.1", ports.get(i)));
    }
    return List.copyOf(peers);
  }
}
