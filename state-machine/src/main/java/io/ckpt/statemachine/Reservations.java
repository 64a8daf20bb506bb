package io.ckpt.statemachine;

import io.ckpt.protocol.LogEntry;
import io.ckpt.statemachine.store.Rejected;
import io.ckpt.statemachine.store.SegmentStore;

/**
 * Payload bytes the leader admitted into its log but has not applied yet: admission counts them
 * against the quota, so concurrent writes cannot together overshoot it. Reset on every leader
 * change (a new leader has admitted nothing yet).
 *
 * <p>An earlier version also made writes wait here while more than 16 MiB were outstanding. It
 * held Ratis's request threads for up to 20 s, longer than the client's RPC timeout, and under
 * load produced retry storms and stalls; heartbeats are protected instead by the separate gRPC
 * heartbeat channel and the bounded appender buffer (CkptServerConfigKeys).
 */
final class Reservations {
  private long reserved;

  /** A check of the node's disk for a write of {@code payload} bytes with {@code inFlight} more admitted. */
  interface DiskCheck {
    void admit(long payload, long inFlight) throws Rejected;
  }

  /** Admits a write and reserves its bytes; throws if refused (by the store's checks or the disk's). */
  synchronized long admit(SegmentStore store, LogEntry entry, DiskCheck disk) throws Rejected {
    long bytes = SegmentStore.payloadBytes(entry);
    store.admit(entry, reserved);
    disk.admit(bytes, reserved);
    reserved += bytes;
    return bytes;
  }

  /** An admitted write was applied (or will never be). */
  synchronized void release(long bytes) {
    reserved = Math.max(0, reserved - bytes);
  }

  synchronized void reset() {
    reserved = 0;
  }
}
