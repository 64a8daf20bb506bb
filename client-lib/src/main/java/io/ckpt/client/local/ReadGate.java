package io.ckpt.client.local;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets reads of a {@link LocalStore} run without a lock, and lets {@link #close()} wait until
 * none is in progress before the files are unmapped (a read of unmapped memory would crash the
 * JVM). A read calls {@link #enter()} first and {@link #exit()} last.
 */
final class ReadGate {
  private final String what;
  private final AtomicLong inProgress = new AtomicLong();
  private volatile boolean closed;

  /** @param what how errors name the guarded store */
  ReadGate(String what) {
    this.what = what;
  }

  /**
   * Counts a read in.
   *
   * @throws IllegalStateException if the gate is closed
   */
  void enter() {
    inProgress.incrementAndGet();
    if (closed) { // read after the count: close() either sees this read or this read sees closed
      inProgress.decrementAndGet();
      throw closedError();
    }
  }

  /** Counts a read out. */
  void exit() {
    inProgress.decrementAndGet();
  }

  boolean isClosed() {
    return closed;
  }

  /** @throws IllegalStateException if the gate is closed */
  void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  /** Refuses new reads and waits until none is in progress; false if it was already closed. */
  boolean close() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
    }
    while (inProgress.get() != 0) {
      Thread.onSpinWait();
      Thread.yield();
    }
    return true;
  }

  private IllegalStateException closedError() {
    return new IllegalStateException(what + " is closed");
  }
}
