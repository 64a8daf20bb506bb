package io.ckpt.client;

import java.util.Optional;

/** Options of a read. Immutable; start from {@link #latest()}. */
public final class ReadOptions {
  private static final ReadOptions LATEST = new ReadOptions(0, false, null);
  private final long version;
  private final boolean stale;
  private final String node;

  private ReadOptions(long version, boolean stale, String node) {
    this.version = version;
    this.stale = stale;
    this.node = node;
  }

  /** The latest committed version, linearizable, from the leader. */
  public static ReadOptions latest() {
    return LATEST;
  }

  /** A specific version (must still be retained). */
  public ReadOptions version(long v) {
    if (v <= 0) {
      throw new InvalidRequestException("version must be >= 1, got " + v);
    }
    return new ReadOptions(v, stale, node);
  }

  /** Read the node's applied state without a round trip to the leader; may lag. */
  public ReadOptions stale() {
    return new ReadOptions(version, true, node);
  }

  /** Ask this node (by id) rather than the leader. */
  public ReadOptions fromNode(String nodeId) {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new InvalidRequestException("node id must not be empty");
    }
    return new ReadOptions(version, stale, nodeId);
  }

  /** 0 means the latest. */
  public long version() {
    return version;
  }

  public boolean isStale() {
    return stale;
  }

  public Optional<String> node() {
    return Optional.ofNullable(node);
  }
}
