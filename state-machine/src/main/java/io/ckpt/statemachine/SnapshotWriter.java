package io.ckpt.statemachine;

import io.ckpt.statemachine.store.StoreView;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots of frozen store views on a thread of its own, one at a time, so that apply
 * goes on while a large store is written. A snapshot counts only once its file is complete,
 * forced and in place; until then the Raft log still holds everything after the previous one.
 */
final class SnapshotWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ckpt-snapshot-writer");
    t.setDaemon(true);
    return t;
  });
  private Future<?> running;
  private volatile boolean cancelled;

  /** Whether a snapshot is being written. */
  synchronized boolean busy() {
    return running != null && !running.isDone();
  }

  /**
   * Writes {@code view} to {@code file}, then calls {@code written} with its term and index (on
   * the writer's thread); the view is closed either way. {@code name} names the node in logs.
   *
   * @throws IllegalStateException if a snapshot is being written, or the writer is closed
   */
  synchronized void start(String name, StoreView view, Path file, Consumer<TermIndex> written) {
    if (busy()) {
      view.close();
      throw new IllegalStateException(name + ": a snapshot is being written already");
    }
    cancelled = false;
    TermIndex at = TermIndex.valueOf(view.appliedTerm(), view.appliedRevision());
    try {
      running = thread.submit(() -> write(name, view, file, at, written));
    } catch (RejectedExecutionException e) {
      view.close(); // closed writer: nothing is written, and the view's removals go
      throw new IllegalStateException(name + ": the snapshot writer is closed", e);
    }
  }

  private void write(String name, StoreView view, Path file, TermIndex at, Consumer<TermIndex> written) {
    try (view) {
      long t0 = System.nanoTime();
      SnapshotFiles.write(view, file, () -> cancelled);
      LOG.info("{}: snapshot at {} written in {} ms", name, at, (System.nanoTime() - t0) / 1_000_000);
    } catch (CancellationException e) {
      LOG.info("{}: snapshot at {} cancelled", name, at);
      return;
    } catch (Exception e) {
      LOG.warn("{}: writing snapshot at {} failed (the log keeps its entries): {}", name, at, e.toString());
      return;
    }
    written.accept(at);
  }

  /** Waits for the snapshot being written, if any, to be complete (or failed). */
  void await() {
    Future<?> f;
    synchronized (this) {
      f = running;
    }
    if (f == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        f.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | CancellationException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the snapshot being written, if any (its partial file is removed), and waits for that. */
  void cancel() {
    cancelled = true;
    await();
  }

  @Override
  public void close() {
    cancel();
    thread.shutdownNow();
  }
}
