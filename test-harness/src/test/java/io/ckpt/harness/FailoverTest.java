package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.WriteResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Kill the leader during a stream of writes: nothing acknowledged is lost, writes resume. */
class FailoverTest {
  @Test
  void acknowledgedWritesSurviveLeaderKillAndWritesResume() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client();
      ConcurrentMap<String, Long> acked = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch someWritten = new CountDownLatch(50);
      Thread writer = new Thread(() -> {
        long i = 0;
        while (!stop.get()) {
          String name = "fo/seg" + (i % 10);
          try {
            WriteResult w = client.put(name, ByteBuffer.allocate(8).putLong(i).array());
            acked.merge(name, w.version(), Math::max);
            someWritten.countDown();
          } catch (RuntimeException e) {
            // unacknowledged: may or may not have been applied
          }
          i++;
        }
      });
      writer.start();
      someWritten.await();
      String oldLeader = cluster.awaitLeader(Duration.ofSeconds(10));
      cluster.crash(oldLeader);
      long ackedAtKill = acked.values().stream().mapToLong(Long::longValue).sum();
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> acked.values().stream().mapToLong(Long::longValue).sum() > ackedAtKill + 20);
      stop.set(true);
      writer.join(60_000);

      String newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
      assertThat(newLeader).isNotEqualTo(oldLeader);
      List<String> survivors = cluster.runningIds();
      for (var e : acked.entrySet()) {
        for (String node : survivors) {
          long v = client.info(e.getKey(), ReadOptions.latest().fromNode(node)).version();
          assertThat(v).as("%s on %s", e.getKey(), node).isGreaterThanOrEqualTo(e.getValue());
        }
      }
      cluster.start(oldLeader);
      for (var e : acked.entrySet()) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(
            () -> client.info(e.getKey(), ReadOptions.latest().fromNode(oldLeader)).version() >= e.getValue());
      }
    }
  }
}
