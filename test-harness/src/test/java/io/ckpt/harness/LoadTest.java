package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.local.LocalStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the latest committed version into the client's local memory-mapped store. */
class LoadTest {
  @TempDir Path storeDir;

  @Test
  void loadedSegmentIsReadableLocallyAndAfterReopening() {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client(b -> b.chunkSize(64 << 10));
      byte[] v1 = WriteReadTest.bytes(200_000, 1);
      byte[] v2 = WriteReadTest.bytes(300_000, 2);
      client.put("load/seg", v1);
      try (LocalStore store = LocalStore.open(storeDir)) {
        assertThat(client.load("load/seg", store).version()).isEqualTo(1);
        assertThat(store.read("load/seg")).isEqualTo(v1);
        client.put("load/seg", v2);
        SegmentInfo loaded = client.load("load/seg", store);
        assertThat(loaded.version()).isEqualTo(2);
        assertThat(store.read("load/seg")).isEqualTo(v2);
        assertThatThrownBy(() -> client.load("load/missing", store)).isInstanceOf(SegmentNotFoundException.class);
        assertThatThrownBy(() -> store.read("load/missing")).isInstanceOf(SegmentNotFoundException.class);
      }
      try (LocalStore reopened = LocalStore.open(storeDir)) {
        assertThat(reopened.read("load/seg")).isEqualTo(v2);
        assertThat(reopened.info("load/seg").orElseThrow().version()).isEqualTo(2);
        assertThat(reopened.names()).containsExactly("load/seg");
      }
    }
  }
}
