package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PutOptions;
import io.ckpt.client.VersionConflictException;
import io.ckpt.client.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Exactly one of N concurrent compare-and-set writers wins, round after round. */
class CompareAndSetTest {
  @Test
  void exactlyOneConcurrentWriterWinsEachRound() throws Exception {
    int writers = 8;
    try (MiniCluster cluster = MiniCluster.start(3)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      List<CheckpointClient> clients = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        clients.add(cluster.client());
      }
      clients.get(0).put("cas/seg", new byte[] {0});
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        for (long round = 1; round <= 5; round++) {
          long expected = round;
          CountDownLatch go = new CountDownLatch(1);
          List<CompletableFuture<Boolean>> results = new ArrayList<>();
          for (int w = 0; w < writers; w++) {
            CheckpointClient c = clients.get(w);
            byte[] payload = {(byte) w, (byte) round};
            results.add(CompletableFuture.supplyAsync(() -> {
              try {
                go.await();
                WriteResult r = c.put("cas/seg", payload, PutOptions.defaults().expectVersion(expected));
                assertThat(r.version()).isEqualTo(expected + 1);
                return true;
              } catch (VersionConflictException e) {
                assertThat(e.currentVersion()).isEqualTo(expected + 1);
                return false;
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }, pool));
          }
          go.countDown();
          long winners = 0;
          for (CompletableFuture<Boolean> f : results) {
            winners += f.get() ? 1 : 0;
          }
          assertThat(winners).as("winners in round %d", round).isEqualTo(1);
          assertThat(clients.get(0).info("cas/seg").version()).isEqualTo(round + 1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
