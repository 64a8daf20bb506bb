package io.ckpt.server.cli;

import io.ckpt.server.node.CkptNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.core.shutdown.PriorityHook;

/** Helpers for commands that run nodes in the foreground until the process is signalled. */
public final class Foreground {
  private Foreground() {}

  /** How long a shutdown waits for nodes to close before the process exits anyway. */
  public static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

  /**
   * Chronicle's own shutdown hooklet closes every open map at priority 80; nodes must close
   * before that (their Ratis state machine snapshots from the maps on stop), so ours runs first.
   */
  static final int SHUTDOWN_PRIORITY = 10;

  /**
   * Closes {@code resource} when the JVM shuts down (SIGTERM, SIGINT/Ctrl-C) and blocks the
   * calling thread until then. A close that hangs is abandoned after {@link #CLOSE_WAIT}.
   */
  public static void runUntilSignalled(Closeable resource, PrintStream err, String what) throws InterruptedException {
    runUntilSignalledOrStopped(resource, new CompletableFuture<>(), err, what);
  }

  /**
   * Like {@link #runUntilSignalled}, but also returns when {@code stoppedByItself} completes (the
   * resource stopped on its own): then with its reason, and the caller closes the resource.
   */
  public static Optional<String> runUntilSignalledOrStopped(Closeable resource, CompletableFuture<String> stoppedByItself,
      PrintStream err, String what) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean signalled = new AtomicBoolean();
    PriorityHook.add(SHUTDOWN_PRIORITY, () -> {
      signalled.set(true);
      err.println("ckpt: stopping " + what);
      err.flush();
      VerboseOption.quietRatisWhileStopping();
      try {
        closeWithin(resource, CLOSE_WAIT, err, what);
      } finally {
        done.countDown();
      }
    });
    stoppedByItself.thenRun(done::countDown);
    done.await();
    return signalled.get() || !stoppedByItself.isDone() ? Optional.empty() : Optional.of(stoppedByItself.join());
  }

  /**
   * Closes {@code resource} on a helper thread and waits at most {@code timeout}; reports a
   * failure or a hang on {@code err} instead of throwing. True if it closed cleanly in time.
   */
  public static boolean closeWithin(Closeable resource, Duration timeout, PrintStream err, String what) {
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(() -> {
      try {
        resource.close();
      } catch (IOException | RuntimeException e) {
        failure[0] = e;
      }
    }, "ckpt-close");
    t.setDaemon(true);
    t.start();
    try {
      t.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      err.println("ckpt: warning: closing " + what + " did not finish within " + timeout.toSeconds()
          + "s; giving up on it (committed data is in the Raft log)");
    } else if (failure[0] != null) {
      err.println("ckpt: warning: closing " + what + " failed: " + Errors.message(failure[0]));
    }
    err.flush();
    return !t.isAlive() && failure[0] == null;
  }

  /** The first node found leading within {@code timeout}, polling every 50 ms. */
  public static Optional<CkptNode> awaitLeader(List<CkptNode> nodes, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (CkptNode n : nodes) {
        if (n.isLeader()) {
          return Optional.of(n);
        }
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return Optional.empty();
  }
}
