package io.ckpt.client.internal;

import io.ckpt.client.UnavailableException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A client's read batchers: one for linearizable gets to the leader, and one per node for
 * stale gets (made on the first stale get to that node; at most one per peer).
 */
public final class ReadBatchers implements AutoCloseable {
  private final RaftTransport transport;
  private final int inFlight;
  private final ReadBatcher leader;
  private final ConcurrentMap<String, ReadBatcher> staleByNode = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Batchers with at most {@code inFlight} queries outstanding each (0: no batching). */
  public ReadBatchers(RaftTransport transport, int inFlight) {
    this.transport = transport;
    this.inFlight = inFlight;
    this.leader = new ReadBatcher(transport, inFlight, null);
  }

  /** Whether gets are batched at all. */
  public boolean enabled() {
    return inFlight > 0;
  }

  /** Linearizable gets to the leader. */
  public ReadBatcher leader() {
    return leader;
  }

  /** Stale gets to {@code node} (null: the node stale reads go to by default). */
  public ReadBatcher stale(String node) {
    String id = node == null ? transport.defaultStaleNode() : transport.peerId(node).toString();
    ReadBatcher b = staleByNode.computeIfAbsent(id, n -> new ReadBatcher(transport, inFlight, n));
    if (closed) {
      // Raced with close: this one may have been made after close() went through the map.
      b.close();
      throw new UnavailableException("the client is closed");
    }
    return b;
  }

  @Override
  public void close() {
    closed = true;
    leader.close();
    staleByNode.values().forEach(ReadBatcher::close);
  }
}
