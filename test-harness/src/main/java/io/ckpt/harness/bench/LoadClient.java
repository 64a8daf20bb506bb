package io.ckpt.harness.bench;

import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.BenchTarget;
import org.HdrHistogram.Histogram;

/**
 * One benchmark client: a thread calling the target back to back on its own key, recording the
 * operations that complete inside the measured window (latency from call to return, in
 * microseconds).
 */
final class LoadClient extends Thread {
  /** After a failure, wait this long before the next call, so a dead target is not hammered. */
  private static final long BACKOFF_MILLIS = 20;
  private final BenchTarget target;
  private final Workload workload;
  private final String key;
  private final byte[] payload;
  private final long windowStart;
  private final long windowEnd;
  final Histogram latency = new Histogram(3);
  final Histogram writeLatency = new Histogram(3);
  private volatile boolean stop;
  long ops;
  long writeOps;
  long errors;
  long warmupErrors;
  long bytes;
  long payloadWritten;
  String firstError;

  LoadClient(BenchTarget target, Workload workload, int index, byte[] payload, long windowStart, long windowEnd) {
    super("bench-client-" + index);
    setDaemon(true);
    this.target = target;
    this.workload = workload;
    this.key = workload.key(index);
    this.payload = payload;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
  }

  /** Asks the client to stop after its current call. */
  void finish() {
    stop = true;
  }

  @Override
  public void run() {
    for (long n = 0; !stop; n++) {
      boolean write = workload == Workload.WRITE || (workload == Workload.MIXED && n % 10 == 9);
      long t0 = System.nanoTime();
      long moved = 0;
      Throwable failure = null;
      try {
        moved = call(write);
      } catch (Exception | OutOfMemoryError e) {
        failure = e;
      }
      long t1 = System.nanoTime();
      boolean inWindow = t1 >= windowStart && t1 <= windowEnd;
      if (failure != null) {
        if (inWindow) {
          errors++;
          if (firstError == null) {
            firstError = message(failure);
          }
        } else if (t1 < windowStart) {
          warmupErrors++;
        }
        pause();
      } else if (inWindow) {
        long micros = Math.max(1, (t1 - t0) / 1000);
        ops++;
        bytes += moved;
        latency.recordValue(micros);
        if (write) {
          writeOps++;
          payloadWritten += moved;
          writeLatency.recordValue(micros);
        }
      }
    }
  }

  private long call(boolean write) throws Exception {
    if (write) {
      target.write(key, payload);
      return payload.length;
    }
    long got = switch (workload) {
      case READ, MIXED -> target.read(key, false).length;
      case READ_STALE -> target.read(key, true).length;
      case TAKEOVER -> target.takeover(key);
      case WRITE -> throw new IllegalStateException("unreachable");
    };
    if (got != payload.length) {
      throw new IllegalStateException(key + ": got " + got + " bytes, expected " + payload.length);
    }
    return got;
  }

  private void pause() {
    try {
      Thread.sleep(BACKOFF_MILLIS);
    } catch (InterruptedException e) {
      stop = true;
    }
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    text = text.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
