package io.ckpt.server.cli;

import io.ckpt.server.node.CkptNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Helpers for commands that run nodes in the foreground until the process is signalled. */
public final class Foreground {
  private Foreground() {}

  /**
   * Closes {@code resource} when the JVM shuts down (SIGTERM, SIGINT/Ctrl-C) and blocks the
   * calling thread until then.
   */
  public static void runUntilSignalled(Closeable resource, PrintStream err, String what) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      err.println("ckpt: stopping " + what);
      try {
        resource.close();
      } catch (IOException | RuntimeException e) {
        err.println("ckpt: closing " + what + " failed: " + Errors.message(e));
      } finally {
        err.flush();
        closed.countDown();
      }
    }, "ckpt-shutdown"));
    closed.await();
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
