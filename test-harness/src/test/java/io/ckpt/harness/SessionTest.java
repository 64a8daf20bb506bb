package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CheckpointSession;
import io.ckpt.client.FencedException;
import io.ckpt.client.TakeOver;
import io.ckpt.client.local.LocalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CheckpointSession: takeover from cold and from a warm standby; the old primary is fenced. */
class SessionTest {
  @TempDir Path primaryDir;
  @TempDir Path standbyDir;

  @Test
  void standbyTakesOverWithoutBulkTransferAndFencesThePrimary() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3);
        LocalStore primaryStore = LocalStore.open(primaryDir);
        LocalStore standbyStore = LocalStore.open(standbyDir)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient primaryClient = cluster.client();
      CheckpointClient standbyClient = cluster.client();
      AtomicBoolean primaryFenced = new AtomicBoolean();
      CheckpointSession primary = CheckpointSession.builder(primaryClient, "sess/state", primaryStore)
          .owner("primary").ttl(Duration.ofSeconds(2)).onFenced(() -> primaryFenced.set(true)).build();
      CheckpointSession standby = CheckpointSession.builder(standbyClient, "sess/state", standbyStore)
          .owner("standby").ttl(Duration.ofSeconds(2)).build();

      TakeOver first = primary.takeOver();
      assertThat(first.state()).isEmpty();
      standby.standby();
      byte[] last = null;
      for (int i = 1; i <= 5; i++) {
        last = WriteReadTest.bytes(100_000 * i, i);
        assertThat(primary.checkpoint(last).version()).isEqualTo(i);
      }
      byte[] expected = last;
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> standbyStore.info("sess/state").map(v -> v.version() == 5).orElse(false));

      TakeOver second = standby.takeOver();
      assertThat(second.fromStandby()).isTrue();
      assertThat(second.state().orElseThrow().version()).isEqualTo(5);
      assertThat(second.lease().epoch()).isGreaterThan(first.lease().epoch());
      assertThat(standbyStore.read("sess/state")).isEqualTo(expected);

      assertThatThrownBy(() -> primary.checkpoint(new byte[] {9})).isInstanceOf(FencedException.class);
      assertThat(primary.isFenced()).isTrue();
      assertThat(primaryFenced).isTrue();
      assertThat(standbyClient.get("sess/state").data()).isEqualTo(expected);
      assertThat(standby.checkpoint(new byte[] {7}).version()).isEqualTo(6);
      standby.close();
      primary.close();
    }
  }

  @Test
  void coldTakeoverLoadsTheLatestVersion() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3); LocalStore store = LocalStore.open(standbyDir)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client();
      byte[] data = WriteReadTest.bytes(3 << 20, 3);
      client.put("sess/cold", data);
      try (CheckpointSession s = CheckpointSession.builder(client, "sess/cold", store).build()) {
        TakeOver t = s.takeOver();
        assertThat(t.fromStandby()).isFalse();
        assertThat(t.state().orElseThrow().version()).isEqualTo(1);
        assertThat(store.read("sess/cold")).isEqualTo(data);
      }
    }
  }
}
