package io.ckpt.client.internal;

import java.time.Duration;

/** A point in time (monotonic clock) by which a call must finish. */
public final class Deadline {
  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  public static Deadline after(Duration d) {
    return new Deadline(System.nanoTime() + d.toNanos());
  }

  /** Milliseconds left, never negative. */
  public long remainingMillis() {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  public boolean expired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }
}
