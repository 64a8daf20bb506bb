package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.Watch;
import io.ckpt.client.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Watch delivers every committed version in order, across a leader change, and reports gaps. */
class WatchTest {
  @Test
  void everyVersionInOrderAcrossALeaderKillAndGapsAfterRetention() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      CheckpointClient client = cluster.client();
      cluster.awaitLeader(Duration.ofSeconds(30));
      Watch watch = client.watch("w/seg", 0);
      assertThat(watch.next(Duration.ofMillis(300))).isEmpty();

      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= 3; i++) {
          client.put("w/seg", new byte[] {(byte) i});
        }
      });
      List<Long> seen = new ArrayList<>();
      while (seen.size() < 3) {
        watch.next(Duration.ofSeconds(20)).flatMap(WatchEvent::version).map(SegmentInfo::version).ifPresent(seen::add);
      }
      writer.get();
      assertThat(seen).containsExactly(1L, 2L, 3L);

      cluster.crash(cluster.awaitLeader(Duration.ofSeconds(5)));
      client.put("w/seg", new byte[] {4});
      Optional<WatchEvent> fourth = watch.next(Duration.ofSeconds(30));
      assertThat(fourth).isPresent();
      assertThat(fourth.get().version().orElseThrow().version()).isEqualTo(4);

      for (int i = 5; i <= 9; i++) {
        client.put("w/seg", new byte[] {(byte) i});
      }
      WatchEvent gap = watch.next(Duration.ofSeconds(20)).orElseThrow();
      assertThat(gap.isGap()).isTrue();
      assertThat(gap.missedFrom()).isEqualTo(5);
      assertThat(gap.missedTo()).isEqualTo(6);
      List<Long> rest = new ArrayList<>();
      while (rest.size() < 3) {
        watch.next(Duration.ofSeconds(20)).flatMap(WatchEvent::version).map(SegmentInfo::version).ifPresent(rest::add);
      }
      assertThat(rest).containsExactly(7L, 8L, 9L);
    }
  }
}
