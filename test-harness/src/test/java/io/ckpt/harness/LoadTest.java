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

  /**
   * Regression (found by the chaos run): a multi-chunk version superseded three times while it was
   * being read is removed by retention; a load (or get) of the latest version then reported the
   * segment "not found". It must read the new latest version instead.
   */
  @Test
  void aVersionRemovedByRetentionWhileLoadingIsReplacedByTheNewLatest() {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client(b -> b.chunkSize(64 << 10));
      CheckpointClient writer = cluster.client();
      client.put("load/busy", WriteReadTest.bytes(2_000_000, 1));
      byte[] newest = WriteReadTest.bytes(1000, 4);
      java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();
      try (LocalStore store = LocalStore.open(storeDir)) {
        SegmentInfo loaded = client.load("load/busy", store, (done, total) -> {
          if (replaced.compareAndSet(false, true)) {
            // Retention keeps 3 versions: after these, version 1 (being loaded) is gone.
            writer.put("load/busy", WriteReadTest.bytes(1000, 2));
            writer.put("load/busy", WriteReadTest.bytes(1000, 3));
            writer.put("load/busy", newest);
          }
        });
        assertThat(replaced).isTrue();
        assertThat(loaded.version()).isEqualTo(4);
        assertThat(store.read("load/busy")).isEqualTo(newest);
        assertThat(client.get("load/busy").data()).isEqualTo(newest);
        assertThatThrownBy(() -> client.get("load/busy", io.ckpt.client.ReadOptions.latest().version(1)))
            .isInstanceOf(SegmentNotFoundException.class);
      }
    }
  }
}
