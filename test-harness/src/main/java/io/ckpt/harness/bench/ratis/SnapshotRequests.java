package io.ckpt.harness.bench.ratis;

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
 * Asks a node's Ratis server for a snapshot once enough log-entry bytes were applied since the
 * last one, at most one request at a time: the byte trigger ckpt's state machine has beside
 * Ratis's entry-count trigger (ckpt's own class is package-private in the state machine).
 */
final class SnapshotRequests implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRequests.class);
  /** How long one requested snapshot may take (the same as ckpt's). */
  private static final long REQUEST_TIMEOUT_MS = 60_000;
  private final long thresholdBytes;
  private final RaftServer server;
  private final RaftGroupId group;
  private final AtomicLong sinceSnapshot = new AtomicLong();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final ExecutorService requests = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ack-snapshot-request");
    t.setDaemon(true);
    return t;
  });

  SnapshotRequests(long thresholdBytes, RaftServer server, RaftGroupId group) {
    this.thresholdBytes = thresholdBytes;
    this.server = server;
    this.group = group;
  }

  void snapshotTaken() {
    sinceSnapshot.set(0);
  }

  /** Counts applied bytes; past the threshold, requests a snapshot unless one is pending. */
  void applied(long bytes) {
    if (sinceSnapshot.addAndGet(bytes) < thresholdBytes || !requested.compareAndSet(false, true)) {
      return;
    }
    requests.execute(() -> {
      try {
        // A creation gap of 1: without one Ratis skips the request (see STACK.md).
        server.snapshotManagementAsync(SnapshotManagementRequest.newCreate(ClientId.randomId(), server.getId(),
            group, 0, REQUEST_TIMEOUT_MS, 1)).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing
      } catch (Exception e) {
        LOG.warn("{}: requested snapshot failed: {}", server.getId(), e.toString());
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
