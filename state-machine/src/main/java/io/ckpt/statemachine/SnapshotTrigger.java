package io.ckpt.statemachine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks this node's Ratis server for a snapshot once enough payload bytes were applied since the
 * last one (Ratis itself only counts entries), so the log can be purged behind it.
 */
final class SnapshotTrigger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotTrigger.class);
  private final long thresholdBytes;
  private final AtomicLong sinceSnapshot = new AtomicLong();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final ExecutorService requests = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ckpt-snapshot-trigger");
    t.setDaemon(true);
    return t;
  });

  SnapshotTrigger(long thresholdBytes) {
    this.thresholdBytes = thresholdBytes;
  }

  void snapshotTaken() {
    sinceSnapshot.set(0);
  }

  /** Whether the threshold was reached since the last snapshot. */
  boolean due() {
    return sinceSnapshot.get() >= thresholdBytes;
  }

  /** Counts applied bytes; requests a snapshot (asynchronously, once at a time) past the threshold. */
  void applied(long bytes, RaftServer server, RaftGroupId group) {
    sinceSnapshot.addAndGet(bytes);
    if (due()) {
      request(server, group);
    }
  }

  /** Asks Ratis to take a snapshot now (asynchronously; nothing if a request is pending). */
  void request(RaftServer server, RaftGroupId group) {
    if (!requested.compareAndSet(false, true)) {
      return;
    }
    requests.execute(() -> {
      try {
        server.snapshotManagementAsync(SnapshotManagementRequest.newCreate(ClientId.randomId(), server.getId(),
            group, 0, 60_000, 1)).get();
      } catch (Exception e) {
        if (!requests.isShutdown()) {
          LOG.warn("{}: requested snapshot failed: {}", server.getId(), e.toString());
        }
      } finally {
        requested.set(false);
      }
    });
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }
}
