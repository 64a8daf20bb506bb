package io.ckpt.server.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a log appender still owes its follower a request with a given call id or later.
 *
 * <p>Why: a linearizable read on the leader (Ratis ReadIndex) triggers a heartbeat to every
 * follower and then records each appender's next call id: only a reply to a request with that
 * id or later confirms the read. Ratis 3.3.0 triggers first and reads the id second, so on a busy
 * machine the appender often builds the triggered heartbeat in between, with an id one too low;
 * its reply does not count, and the read waits for the next periodic heartbeat (half the
 * minimum election timeout: 300 ms here). About one read in ten right after a write did.
 * The appender therefore owes one more request once the id was read, and sends it at once.
 * The rule that confirms the read is Ratis's own and unchanged: only the timing moves.
 */
final class OwedHeartbeat {
  /** The lowest call id that settles the debt; -1: nothing owed yet. */
  private final AtomicLong owedFrom = new AtomicLong(-1);
  /** The call id of the last request the appender built (its one thread builds them in order). */
  private volatile long lastBuilt = -1;

  /** A request with {@code callId} or a later one must be sent. */
  void oweFrom(long callId) {
    owedFrom.accumulateAndGet(callId, Math::max);
  }

  /** The appender built the request with {@code callId}. */
  void built(long callId) {
    lastBuilt = callId;
  }

  boolean isOwed() {
    return lastBuilt < owedFrom.get();
  }
}
