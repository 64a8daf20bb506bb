package io.ckpt.server.node;

import io.ckpt.client.PeerAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.ratis.conf.RaftProperties;

/**
 * What a node needs to start.
 *
 * @param id this node's id (one of the peers)
 * @param peers every node of the group, this one included
 * @param dataDir the node's data directory: {@code raft/} (log, snapshots) and {@code store/}
 * @param overrides extra properties (store quota, retention, snapshot triggers, ...)
 */
public record NodeOptions(String id, List<PeerAddress> peers, Path dataDir, Map<String, String> overrides) {
  public NodeOptions {
    peers = List.copyOf(peers);
    overrides = Map.copyOf(overrides);
    if (peers.stream().noneMatch(p -> p.id().equals(id))) {
      throw new IllegalArgumentException("node id '" + id + "' is not among the peers " + PeerAddress.format(peers));
    }
  }

  public PeerAddress self() {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** Applies the overrides on top of the given properties. */
  RaftProperties apply(RaftProperties p, Consumer<RaftProperties> extra) {
    overrides.forEach(p::set);
    extra.accept(p);
    return p;
  }
}
