package io.ckpt.client.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Batching by free slots, shared by {@link GroupCommit} (puts) and {@link ReadBatcher} (gets):
 * at most {@code inFlight} requests are outstanding; a call that finds a free slot goes out at
 * once (an idle client adds no latency), calls arriving while every slot is busy queue, and the
 * next free slot takes what {@link #take} picks from the queue as one request. Batches are sent,
 * and replies to batches of several delivered, on this batcher's own thread: never on Ratis's
 * completion threads, where sending can deadlock on a client's window lock. The reply to a lone
 * call is delivered where it arrives. A request's slot is freed only once its replies are
 * delivered, so the calls its callers make next share a request.
 *
 * @param <P> a queued call
 * @param <R> the reply to one request
 */
abstract class SlotBatcher<P, R> {
  private final int inFlight;
  /** Calls waiting for a slot (guarded by this). */
  private final ArrayDeque<P> queue = new ArrayDeque<>();
  private int outstanding;
  private boolean closed;
  private final ExecutorService sender;

  SlotBatcher(String threadName, int inFlight) {
    this.inFlight = inFlight;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Removes from {@code queue} the calls of the next request (empty: nothing to send). */
  protected abstract List<P> take(ArrayDeque<P> queue);

  /** Sends one request carrying {@code batch}. */
  protected abstract CompletableFuture<R> send(List<P> batch);

  /**
   * Completes the calls of {@code batch} with {@code reply}, or with {@code failure}; for a lone
   * call on Ratis's completion thread, where it must neither send nor block.
   */
  protected abstract void deliver(List<P> batch, R reply, Throwable failure);

  /** Fails a call still queued when the batcher closes. */
  protected abstract void failClosed(P call);

  /**
   * Queues {@code call} and sends the next batch if a slot is free.
   *
   * @throws io.ckpt.client.UnavailableException from {@code closedError} once closed
   */
  protected final void submit(P call, java.util.function.Supplier<RuntimeException> closedError) {
    List<P> batch;
    synchronized (this) {
      if (closed) {
        throw closedError.get();
      }
      queue.add(call);
      batch = nextBatch();
    }
    dispatch(batch);
  }

  protected final synchronized boolean isClosed() {
    return closed;
  }

  /** Takes the next batch if a slot is free (the caller holds the lock); null if none. */
  private List<P> nextBatch() {
    if (outstanding >= inFlight || queue.isEmpty()) {
      return null;
    }
    List<P> batch = take(queue);
    if (batch.isEmpty()) {
      return null;
    }
    outstanding++;
    return batch;
  }

  private void dispatch(List<P> batch) {
    if (batch == null) {
      return;
    }
    CompletableFuture<R> sent;
    try {
      sent = send(batch);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((reply, failure) -> {
      if (batch.size() == 1) {
        // A lone call (a client with nothing else in flight): its caller is woken from here,
        // one thread hand-off less per call; only sending the next batch needs the sender thread.
        deliverAndFree(batch, reply, failure, true);
      } else {
        runOnSender(() -> deliverAndFree(batch, reply, failure, false));
      }
    });
  }

  /**
   * Delivers a request's replies, then frees its slot and sends the next batch, if any: on the
   * sender thread, which this may or may not be ({@code onCompletionThread}: Ratis's).
   */
  private void deliverAndFree(List<P> batch, R reply, Throwable failure, boolean onCompletionThread) {
    // Deliver before the slot is freed: callers woken by a reply usually call again at once,
    // and those that do meanwhile join the next request instead of finding the slot free and
    // taking it alone (a whole Raft round for one call).
    try {
      deliver(batch, reply, failure);
    } finally {
      List<P> next;
      synchronized (this) {
        outstanding--;
        next = closed ? null : nextBatch();
      }
      if (next != null && onCompletionThread) {
        runOnSender(() -> dispatch(next));
      } else {
        dispatch(next);
      }
    }
  }

  /** On the sender thread; inline once the batcher is closed (nothing is sent then). */
  private void runOnSender(Runnable r) {
    try {
      sender.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  /** Fails the calls still waiting for a slot; those already sent complete as they will. */
  public void close() {
    List<P> waiting;
    synchronized (this) {
      closed = true;
      waiting = List.copyOf(queue);
      queue.clear();
    }
    waiting.forEach(this::failClosed);
    sender.shutdown();
  }
}
