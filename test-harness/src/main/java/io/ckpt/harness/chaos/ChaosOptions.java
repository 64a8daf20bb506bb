package io.ckpt.harness.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a chaos run does.
 *
 * @param nodes server processes (3 or 5)
 * @param duration how long clients run and faults are injected
 * @param clients concurrent client threads
 * @param keys segments the clients share (few keys: much contention)
 * @param seed makes the fault schedule and the clients' choices reproducible
 * @param out the directory for the history, the timeline and the summary
 * @param faults the kinds of fault the schedule draws from (empty: no faults)
 * @param opTimeout how long one client operation may take before it is recorded as unknown
 * @param streams whether every node has a stream port (chunked writes then go as DataStream
 *     streams, their links routed through the same fault proxies as the Raft links)
 */
public record ChaosOptions(int nodes, Duration duration, int clients, int keys, long seed, Path out,
    List<Fault.Kind> faults, Duration opTimeout, boolean streams) {
  /** Leases taken by clients last an hour (the longest ckpt grants) and must not expire mid-run. */
  static final Duration MAX_DURATION = ChaosClient.LEASE_TTL.minusMinutes(10);

  public ChaosOptions {
    if (nodes != 3 && nodes != 5) {
      throw new IllegalArgumentException("--nodes must be 3 or 5, not " + nodes);
    }
    if (duration.compareTo(Duration.ofSeconds(10)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("--duration must be 10s.." + MAX_DURATION.toMinutes() + "m, not "
          + io.ckpt.client.util.Durations.format(duration));
    }
    if (clients < 1 || clients > 64) {
      throw new IllegalArgumentException("--clients must be 1..64, not " + clients);
    }
    if (keys < 1 || keys > 1000) {
      throw new IllegalArgumentException("--keys must be 1..1000, not " + keys);
    }
    if (opTimeout.compareTo(Duration.ofMillis(500)) < 0) {
      throw new IllegalArgumentException("the operation timeout must be at least 500ms, not " + opTimeout);
    }
    faults = List.copyOf(faults);
  }
}
