package io.ckpt.harness.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder used by concurrent clients, and its JSON-lines file format. */
class HistoryTest {
  @TempDir Path dir;

  @Test
  void recordsInvocationsAndReplies() {
    AtomicLong clock = new AtomicLong(100);
    History h = new History(clock::get);
    long put = h.invoke(0, Call.put("k", 7, 2, 1));
    clock.set(150);
    long read = h.invoke(1, Call.read("k"));
    clock.set(200);
    assertThat(h.complete(put, Reply.written(3, 42).from("n2"))).isTrue();
    clock.set(250);
    assertThat(h.complete(read, Reply.unknown("deadline exceeded"))).isTrue();

    List<Op> ops = h.ops();
    assertThat(ops).hasSize(2);
    Op p = ops.get(0);
    assertThat(p.invokeNanos()).isEqualTo(100);
    assertThat(p.completeNanos()).isEqualTo(200);
    assertThat(p.outcome()).isEqualTo(Op.Outcome.OK);
    assertThat(p.value()).isEqualTo(7);
    assertThat(p.expectVersion()).isEqualTo(2);
    assertThat(p.epoch()).isEqualTo(1);
    assertThat(p.version()).isEqualTo(3);
    assertThat(p.revision()).isEqualTo(42);
    assertThat(p.node()).isEqualTo("n2");
    Op r = ops.get(1);
    assertThat(r.outcome()).isEqualTo(Op.Outcome.UNKNOWN);
    assertThat(r.completeNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(r.error()).isEqualTo("deadline exceeded");
    assertThatThrownBy(() -> h.complete(put, Reply.notFound()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingLeavesOpenOpsUnknownAndIgnoresLateReplies() {
    History h = new History();
    long done = h.invoke(0, Call.read("k"));
    long open = h.invoke(1, Call.put("k", 1));
    h.complete(done, Reply.notFound());
    h.close();
    assertThat(h.complete(open, Reply.written(1, 1))).isFalse();
    Op op = h.ops().get(1);
    assertThat(op.outcome()).isEqualTo(Op.Outcome.UNKNOWN);
    assertThat(op.completeNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(h.ops().get(0).outcome()).isEqualTo(Op.Outcome.NOT_FOUND);
  }

  @Test
  void concurrentClientsGetDistinctIdsAndEveryReplyIsKept() throws Exception {
    int clients = 8;
    int each = 2_000;
    History h = new History();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          long id = h.invoke(client, Call.put("k" + (i % 3), client * 100_000L + i));
          h.complete(id, Reply.written(i + 1, i + 1));
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    h.close();
    List<Op> ops = h.ops();
    assertThat(ops).hasSize(clients * each);
    assertThat(ops).extracting(Op::id).doesNotHaveDuplicates();
    assertThat(ops).allSatisfy(op -> {
      assertThat(op.outcome()).isEqualTo(Op.Outcome.OK);
      assertThat(op.completeNanos()).isGreaterThanOrEqualTo(op.invokeNanos());
    });
  }

  @Test
  void jsonLinesRoundTrip() throws IOException {
    AtomicLong clock = new AtomicLong(-5);
    History h = new History(clock::get);
    String nasty = "quote \" backslash \\ newline \n tab \t cr \r nul \u0000 é 漢 \uD83D\uDE00 /";
    long a = h.invoke(3, Call.acquire("seg/a.b-c", nasty, true));
    long p = h.invoke(4, Call.put("seg/x", Long.MAX_VALUE, Long.MIN_VALUE + 1, 0));
    long s = h.invoke(5, Call.staleRead("seg/x"));
    h.invoke(6, Call.read("seg/x"));
    long f = h.invoke(7, Call.put("seg/x", 9));
    clock.set(Long.MAX_VALUE - 1);
    h.complete(a, Reply.acquired(4).from("n1"));
    h.complete(p, Reply.fenced(4).from(nasty));
    h.complete(s, Reply.staleRead(17, 3, 12, -9).from("n3"));
    h.complete(f, Reply.fail("rejected: \"quota\"\nexceeded"));
    h.close();

    Path file = dir.resolve("history.jsonl");
    h.write(file);
    assertThat(Files.readAllLines(file)).hasSize(5)
        .allSatisfy(line -> assertThat(line).startsWith("{\"id\":").endsWith("}"));
    assertThat(History.read(file).ops()).isEqualTo(h.ops());
  }

  @Test
  void readingToleratesSpacingAndReportsBadLines() throws IOException {
    Path file = dir.resolve("h.jsonl");
    Files.writeString(file, " { \"id\" : 1 , \"key\" : \"k\\u0041\" , \"kind\" : \"READ\" ,"
        + " \"outcome\" : \"NOT_FOUND\" , \"extra\" : null }\n\n");
    Op op = History.read(file).ops().get(0);
    assertThat(op.key()).isEqualTo("kA");
    assertThat(op.expectVersion()).isEqualTo(Op.NONE);

    Files.writeString(file, "{\"id\":1,\"key\":\"k\",\"kind\":\"READ\",\"outcome\":\"OK\"}\n"
        + "{\"id\":2,\"key\":\"k\",\"kind\":\"READ\",\"outcome\":\"OK\"\n");
    assertThatThrownBy(() -> History.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("h.jsonl:2:");
  }
}
