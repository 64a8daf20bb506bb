package io.ckpt.server.node;

import io.ckpt.client.PeerAddress;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** N nodes in one process on loopback: n1..nN on consecutive ports, data under one directory. */
public final class LocalCluster implements Closeable {
  private final List<CkptNode> nodes;
  private final List<PeerAddress> peers;

  private LocalCluster(List<CkptNode> nodes, List<PeerAddress> peers) {
    this.nodes = nodes;
    this.peers = peers;
  }

  public static List<PeerAddress> peers(int n, String host, int basePort) {
    return peers(n, host, basePort, false);
  }

  /**
   * Nodes n1..nN on ports {@code basePort}, {@code basePort + 1}, ...; with {@code streams} each
   * also takes DataStream streams, on ports {@code basePort + n}, {@code basePort + n + 1}, ...
   */
  public static List<PeerAddress> peers(int n, String host, int basePort, boolean streams) {
    List<PeerAddress> peers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      peers.add(new PeerAddress("n" + i, host, basePort + i - 1, streams ? basePort + n + i - 1 : 0));
    }
    return peers;
  }

  public static LocalCluster start(List<PeerAddress> peers, Path dir, Map<String, String> overrides) throws IOException {
    List<CkptNode> nodes = new ArrayList<>();
    try {
      for (PeerAddress p : peers) {
        nodes.add(CkptNode.start(new NodeOptions(p.id(), peers, dir.resolve(p.id()), overrides)));
      }
    } catch (IOException | RuntimeException e) {
      for (CkptNode node : nodes) {
        node.close();
      }
      throw e;
    }
    return new LocalCluster(nodes, List.copyOf(peers));
  }

  public List<CkptNode> nodes() {
    return nodes;
  }

  public List<PeerAddress> peers() {
    return peers;
  }

  public String peersSpec() {
    return PeerAddress.format(peers);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (CkptNode node : nodes) {
      try {
        node.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
