package io.ckpt.harness.bench.etcd;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocks on a jetcd future with a deadline, rethrowing what etcd answered rather than a wrapper. */
final class Await {
  /** Longer than any healthy request here, short enough that a stuck benchmark ends. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private Await() {}

  static <T> T result(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TimeoutException("etcd " + what + " not answered within " + REQUEST_TIMEOUT);
    }
  }
}
