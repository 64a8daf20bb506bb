package io.ckpt.server.node;

import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.UploadInfo;
import io.ckpt.protocol.UploadsQuery;
import io.ckpt.statemachine.store.SegmentStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects abandoned uploads: on the leader only, an upload whose staged chunks have not grown
 * for the idle timeout (by the leader's own clock) is aborted through the log, so every replica
 * frees its chunks at the same revision. A new leader starts its clocks afresh, so no upload
 * is collected earlier than the timeout after a leader change.
 */
final class UploadJanitor implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(UploadJanitor.class);
  private final Supplier<SegmentStore> store;
  private final BooleanSupplier isLeader;
  private final RaftClient client;
  private final long idleNanos;
  private final ScheduledExecutorService timer;
  /** Upload id to (last revision seen, when it was first seen at that revision). */
  private final Map<String, long[]> watched = new HashMap<>();

  UploadJanitor(String nodeId, RaftGroup group, Supplier<SegmentStore> store, BooleanSupplier isLeader, Duration idle) {
    this.store = store;
    this.isLeader = isLeader;
    this.idleNanos = idle.toNanos();
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(3,
            org.apache.ratis.util.TimeDuration.valueOf(200, TimeUnit.MILLISECONDS))).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, nodeId + "-upload-janitor");
      t.setDaemon(true);
      return t;
    });
    long periodMs = Math.max(100, Math.min(30_000, idle.toMillis() / 4));
    timer.scheduleWithFixedDelay(this::sweep, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    try {
      SegmentStore s = store.get();
      if (s == null || !isLeader.getAsBoolean()) {
        watched.clear();
        return;
      }
      long now = System.nanoTime();
      Set<String> present = new HashSet<>();
      for (UploadInfo u : s.query(Query.newBuilder().setUploads(UploadsQuery.getDefaultInstance()).build()).getUploadsList()) {
        present.add(u.getUploadId());
        long[] seen = watched.get(u.getUploadId());
        if (seen == null || seen[0] != u.getLastRevision()) {
          watched.put(u.getUploadId(), new long[] {u.getLastRevision(), now});
        } else if (now - seen[1] >= idleNanos) {
          abort(u);
          watched.remove(u.getUploadId());
        }
      }
      watched.keySet().retainAll(present);
    } catch (RuntimeException e) {
      LOG.warn("upload janitor sweep failed: {}", e.toString());
    }
  }

  private void abort(UploadInfo u) {
    LogEntry e = LogEntry.newBuilder().setAbort(AbortEntry.newBuilder().setUploadId(u.getUploadId())).build();
    try {
      client.io().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(e.toByteArray())));
      LOG.info("aborted upload {} of {} ({} chunks, {} bytes) idle since revision {}", u.getUploadId(), u.getName(),
          u.getChunks(), u.getBytes(), u.getLastRevision());
    } catch (IOException ex) {
      LOG.warn("could not abort idle upload {}: {}", u.getUploadId(), ex.toString());
    }
  }

  @Override
  public void close() throws IOException {
    timer.shutdownNow();
    client.close();
  }

}
