package io.ckpt.server.node;

import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.UploadInfo;
import io.ckpt.protocol.UploadsQuery;
import io.ckpt.statemachine.store.SegmentStore;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects abandoned uploads: an upload whose staged chunks have not grown for the idle timeout
 * (by the leader's own clock) is aborted through the log, so every replica frees its chunks at
 * the same revision. Clocks start afresh whenever this node is not the leader, so no upload is
 * collected earlier than the timeout after a leader change.
 */
final class UploadJanitor {
  private static final Logger LOG = LoggerFactory.getLogger(UploadJanitor.class);
  private final long idleNanos;
  /** Upload id to (last revision seen, when it was first seen at that revision). */
  private final Map<String, long[]> watched = new HashMap<>();

  UploadJanitor(Duration idle) {
    this.idleNanos = idle.toNanos();
  }

  void forget() {
    watched.clear();
  }

  void sweep(SegmentStore store, LogProposer proposer) {
    long now = System.nanoTime();
    Set<String> present = new HashSet<>();
    for (UploadInfo u : store.query(Query.newBuilder().setUploads(UploadsQuery.getDefaultInstance()).build()).getUploadsList()) {
      present.add(u.getUploadId());
      long[] seen = watched.get(u.getUploadId());
      if (seen == null || seen[0] != u.getLastRevision()) {
        watched.put(u.getUploadId(), new long[] {u.getLastRevision(), now});
      } else if (now - seen[1] >= idleNanos) {
        abort(u, proposer);
        watched.remove(u.getUploadId());
      }
    }
    watched.keySet().retainAll(present);
  }

  private static void abort(UploadInfo u, LogProposer proposer) {
    try {
      proposer.propose(LogEntry.newBuilder().setAbort(AbortEntry.newBuilder().setUploadId(u.getUploadId())).build());
      LOG.info("aborted upload {} of {} ({} chunks, {} bytes) idle since revision {}", u.getUploadId(), u.getName(),
          u.getChunks(), u.getBytes(), u.getLastRevision());
    } catch (IOException e) {
      LOG.warn("could not abort idle upload {}: {}", u.getUploadId(), e.toString());
    }
  }
}
