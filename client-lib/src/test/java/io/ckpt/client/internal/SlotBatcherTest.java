package io.ckpt.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slot batching: which calls go out together, and when a slot comes free again. */
class SlotBatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Recording batcher;

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  @Test
  void aCallThatFindsAFreeSlotGoesOutAloneAtOnce() {
    batcher = new Recording(2);
    batcher.call("a");
    batcher.call("b");
    assertThat(batcher.requests()).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void callsQueuedWhileEverySlotIsBusyShareTheNextFreeSlot() {
    batcher = new Recording(1);
    batcher.call("a");
    batcher.call("b");
    batcher.call("c");
    assertThat(batcher.requests()).containsExactly(List.of("a"));
    batcher.answer(0);
    await().atMost(WAIT).until(() -> batcher.requests().size() == 2);
    assertThat(batcher.requests().get(1)).containsExactly("b", "c");
    assertThat(batcher.delivered).containsExactly("a");
  }

  @Test
  void callsMadeWhileARequestsRepliesAreDeliveredJoinTheNextRequest() {
    batcher = new Recording(1);
    batcher.call("a");
    batcher.call("b");
    // The caller of "a", woken by its reply, calls again at once: it must not find the slot
    // free and leave "b" for a request of its own.
    batcher.onDelivery.put("a", () -> batcher.call("a2"));
    batcher.answer(0);
    await().atMost(WAIT).until(() -> batcher.requests().size() == 2);
    assertThat(batcher.requests().get(1)).containsExactly("b", "a2");
  }

  @Test
  void aDeliveryThatThrowsStillFreesItsSlot() {
    batcher = new Recording(1);
    batcher.call("a");
    batcher.call("b");
    batcher.onDelivery.put("a", () -> {
      throw new IllegalStateException("a caller's bug");
    });
    batcher.answer(0);
    await().atMost(WAIT).until(() -> batcher.requests().size() == 2);
    assertThat(batcher.requests().get(1)).containsExactly("b");
  }

  @Test
  void closingFailsTheQueuedCallsAndSendsNothingMore() {
    batcher = new Recording(1);
    batcher.call("a");
    batcher.call("b");
    batcher.close();
    assertThat(batcher.failedClosed).containsExactly("b");
    batcher.answer(0);
    await().atMost(WAIT).until(() -> batcher.delivered.contains("a"));
    assertThat(batcher.requests()).containsExactly(List.of("a"));
  }

  /**
   * A lone call's reply is delivered on the thread that completed its request (one hand-off
   * less); replies to batches of several are delivered, and every batch is sent, on the
   * batcher's own thread, never on a completion thread.
   */
  @Test
  void aLoneCallIsAnsweredWhereItsReplyArrivesButNothingIsSentFromThere() throws Exception {
    batcher = new Recording(1);
    batcher.call("a");
    batcher.call("b");
    batcher.call("c");
    answerOn(0, "completion-1");
    await().atMost(WAIT).until(() -> batcher.requests().size() == 2);
    assertThat(batcher.deliveredOn).containsEntry("a", "completion-1");
    assertThat(batcher.sentOn).containsExactly(Thread.currentThread().getName(), "slot-batcher-test");

    answerOn(1, "completion-2");
    await().atMost(WAIT).until(() -> batcher.delivered.containsAll(List.of("b", "c")));
    assertThat(batcher.deliveredOn).containsEntry("b", "slot-batcher-test").containsEntry("c", "slot-batcher-test");
  }

  private void answerOn(int request, String threadName) throws InterruptedException {
    Thread t = new Thread(() -> batcher.answer(request), threadName);
    t.start();
    t.join(WAIT.toMillis());
  }

  /** Records each request sent; the test answers them one by one. */
  private static final class Recording extends SlotBatcher<String, String> {
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<String>> replies = new CopyOnWriteArrayList<>();
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final List<String> failedClosed = new CopyOnWriteArrayList<>();
    /** The thread each request was sent on, and each call's reply delivered on. */
    final List<String> sentOn = new CopyOnWriteArrayList<>();
    final Map<String, String> deliveredOn = new ConcurrentHashMap<>();
    /** What a caller does when its reply is delivered. */
    final Map<String, Runnable> onDelivery = new ConcurrentHashMap<>();

    Recording(int inFlight) {
      super("slot-batcher-test", inFlight);
    }

    void call(String name) {
      submit(name, () -> new IllegalStateException("closed"));
    }

    List<List<String>> requests() {
      return List.copyOf(requests);
    }

    void answer(int request) {
      replies.get(request).complete("ok");
    }

    @Override
    protected List<String> take(ArrayDeque<String> queue) {
      List<String> all = new ArrayList<>(queue);
      queue.clear();
      return all;
    }

    @Override
    protected CompletableFuture<String> send(List<String> batch) {
      CompletableFuture<String> reply = new CompletableFuture<>();
      replies.add(reply);
      sentOn.add(Thread.currentThread().getName());
      requests.add(List.copyOf(batch));
      return reply;
    }

    @Override
    protected void deliver(List<String> batch, String reply, Throwable failure) {
      for (String call : batch) {
        deliveredOn.put(call, Thread.currentThread().getName());
        delivered.add(call);
        onDelivery.getOrDefault(call, () -> { }).run();
      }
    }

    @Override
    protected void failClosed(String call) {
      failedClosed.add(call);
    }
  }
}
