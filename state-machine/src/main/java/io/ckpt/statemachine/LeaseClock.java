package io.ckpt.statemachine;

import io.ckpt.protocol.LeaseInfo;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's view of when each owner last renewed its lease, by its own monotonic clock. It
 * is never consulted by apply (which stays deterministic); only the leader reads it to decide
 * when to propose an expiry. Every clock restarts on a leader change and on restart, so a new
 * leader never expires a lease earlier than a full TTL after it took over.
 */
public final class LeaseClock {
  /** An owned segment as this node last saw it. */
  public record Lease(String name, String owner, long epoch, long ttlMs, long renewedAtNanos) {
    public boolean expiredAt(long nowNanos) {
      return nowNanos - renewedAtNanos > ttlMs * 1_000_000L;
    }
  }

  private final Map<String, Lease> leases = new ConcurrentHashMap<>();

  /** Starts every clock afresh from the store's owned segments. */
  void reset(List<LeaseInfo> owned) {
    long now = System.nanoTime();
    leases.clear();
    for (LeaseInfo l : owned) {
      leases.put(l.getName(), new Lease(l.getName(), l.getOwner(), l.getEpoch(), l.getTtlMs(), now));
    }
  }

  /** Restarts every clock (this node just became leader, or lost it). */
  void restartAll() {
    long now = System.nanoTime();
    leases.replaceAll((name, l) -> new Lease(name, l.owner(), l.epoch(), l.ttlMs(), now));
  }

  /** Follows an applied ownership entry. */
  void onApplied(LogEntry entry, WriteReply reply) {
    String name = switch (entry.getOpCase()) {
      case ACQUIRE -> entry.getAcquire().getName();
      case RENEW -> entry.getRenew().getName();
      case RELEASE -> entry.getRelease().getName();
      case EXPIRE -> entry.getExpire().getName();
      default -> null;
    };
    if (name == null || reply.getStatus() != Status.OK) {
      return;
    }
    if (reply.getOwner().isEmpty()) {
      leases.remove(name);
    } else {
      long ttl = entry.hasAcquire() ? entry.getAcquire().getTtlMs()
          : leases.getOrDefault(name, new Lease(name, "", 0, 0, 0)).ttlMs();
      leases.put(name, new Lease(name, reply.getOwner(), reply.getEpoch(), ttl, System.nanoTime()));
    }
  }

  /** The leases whose owner has not renewed within its TTL, by this node's clock. */
  public List<Lease> expired() {
    long now = System.nanoTime();
    return leases.values().stream().filter(l -> l.ttlMs() > 0 && l.expiredAt(now)).toList();
  }

  public int size() {
    return leases.size();
  }
}
