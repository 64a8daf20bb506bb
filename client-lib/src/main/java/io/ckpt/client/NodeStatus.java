package io.ckpt.client;

/**
 * What one node reports about itself.
 *
 * @param id node id
 * @param address host:port
 * @param role {@code leader}, {@code follower}, {@code candidate}, {@code listener} or {@code unreachable}
 * @param term the term of the node's last log entry (-1 when unreachable)
 * @param commitIndex the node's commit index (-1 when unreachable)
 * @param appliedIndex the node's applied index (-1 when unreachable)
 */
public record NodeStatus(String id, String address, String role, long term, long commitIndex, long appliedIndex) {
  public boolean reachable() {
    return !"unreachable".equals(role);
  }
}
