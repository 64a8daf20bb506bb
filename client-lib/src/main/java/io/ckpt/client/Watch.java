package io.ckpt.client;

import io.ckpt.client.internal.Deadline;
import io.ckpt.client.internal.Downloader;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.client.internal.Replies;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.VersionInfo;
import io.ckpt.protocol.WatchQuery;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The committed versions of one segment, in order, from a starting point. Each call to
 * {@link #next} long-polls the cluster (linearizable reads on any node) from the last version
 * delivered, so a disconnect or a leader change only delays events, never loses or repeats
 * them; versions that retention removed before they were seen come as one gap event.
 * Not thread-safe: one consumer per watch.
 */
public final class Watch {
  private final RaftTransport transport;
  private final String name;
  private final long pollMs;
  private final ArrayDeque<WatchEvent> pending = new ArrayDeque<>();
  private long lastSeen;

  Watch(RaftTransport transport, String name, long afterVersion) {
    this.transport = transport;
    this.name = name;
    this.lastSeen = afterVersion;
    this.pollMs = Math.max(100, Math.min(5_000, transport.readTimeout().toMillis() / 2));
  }

  public String name() {
    return name;
  }

  /** The last version delivered (or the starting point). */
  public long lastVersion() {
    return lastSeen;
  }

  /**
   * The next event, waiting up to {@code timeout}; empty if none came. Unavailability within the
   * timeout is retried; past it, the watch is still usable and resumes where it was.
   */
  public Optional<WatchEvent> next(Duration timeout) {
    Deadline deadline = Deadline.after(timeout);
    while (pending.isEmpty()) {
      long waitMs = Math.min(pollMs, deadline.remainingMillis());
      if (waitMs <= 0) {
        return Optional.empty();
      }
      poll(waitMs, deadline);
    }
    WatchEvent e = pending.removeFirst();
    lastSeen = e.version().map(SegmentInfo::version).orElse(e.missedTo());
    return Optional.of(e);
  }

  private void poll(long waitMs, Deadline deadline) {
    Query q = Query.newBuilder().setWatch(WatchQuery.newBuilder().setName(name).setAfterVersion(lastSeen)
        .setWaitMs(waitMs)).build();
    QueryReply r;
    try {
      // The answer may take waitMs on the server: allow for it beyond the caller's deadline.
      Deadline rpc = Deadline.after(Duration.ofMillis(deadline.remainingMillis() + waitMs + 2_000));
      RaftTransport.Answer a = transport.query(q, null, false, 0, rpc, "watch " + name);
      r = a.reply();
      Replies.check(r.getStatus(), r.getMessage(), -1, -1);
      long expect = lastSeen;
      if (r.getMissedTo() > expect) {
        pending.add(WatchEvent.gap(expect + 1, r.getMissedTo()));
        expect = r.getMissedTo();
      }
      for (VersionInfo v : r.getEntriesList()) {
        if (v.getVersion() > expect) {
          pending.add(WatchEvent.of(Downloader.toInfo(v, a.node())));
          expect = v.getVersion();
        }
      }
    } catch (UnavailableException e) {
      if (deadline.expired()) {
        return;
      }
      try {
        Thread.sleep(Math.min(200, deadline.remainingMillis()));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("watch " + name + ": interrupted", ie);
      }
    }
  }
}
