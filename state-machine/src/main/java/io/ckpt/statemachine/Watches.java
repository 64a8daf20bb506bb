package io.ckpt.statemachine;

import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Long-polling watch queries: a watch with nothing new to report waits until a version of its
 * segment is applied (or its wait runs out), then answers from the store.
 */
final class Watches implements AutoCloseable {
  static final long MAX_WAIT_MS = 30_000;
  private final Function<Query, QueryReply> answer;
  private final Map<String, List<Waiter>> waiting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ckpt-watch-timer");
    t.setDaemon(true);
    return t;
  });

  private record Waiter(Query query, CompletableFuture<QueryReply> reply) {}

  Watches(Function<Query, QueryReply> answer) {
    this.answer = answer;
  }

  /** Answers now if there is something to report, otherwise when there is or when the wait ends. */
  CompletableFuture<QueryReply> watch(Query q) {
    QueryReply now = answer.apply(q);
    long waitMs = Math.min(MAX_WAIT_MS, q.getWatch().getWaitMs());
    if (now.getEntriesCount() > 0 || now.getMissedTo() > 0 || waitMs <= 0) {
      return CompletableFuture.completedFuture(now);
    }
    Waiter w = new Waiter(q, new CompletableFuture<>());
    List<Waiter> list = waiting.computeIfAbsent(q.getWatch().getName(), k -> new CopyOnWriteArrayList<>());
    list.add(w);
    // A version applied between the first answer and the registration must not be missed.
    QueryReply again = answer.apply(q);
    if (again.getEntriesCount() > 0 || again.getMissedTo() > 0) {
      finish(list, w, again);
    } else {
      timer.schedule(() -> finish(list, w, answer.apply(q)), waitMs, TimeUnit.MILLISECONDS);
    }
    return w.reply();
  }

  /** A new version of {@code name} was applied. */
  void versionApplied(String name) {
    List<Waiter> list = waiting.get(name);
    if (list == null || list.isEmpty()) {
      return;
    }
    for (Waiter w : list) {
      finish(list, w, answer.apply(w.query()));
    }
  }

  private static void finish(List<Waiter> list, Waiter w, QueryReply reply) {
    list.remove(w);
    w.reply().complete(reply);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    waiting.values().forEach(list -> list.forEach(w -> w.reply().complete(QueryReply.getDefaultInstance())));
    waiting.clear();
  }
}
