package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreSettings;
import io.ckpt.statemachine.store.StoreView;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot writer writes a frozen view on its own thread and always lets the view go. */
class SnapshotWriterTest {
  private static final StoreSettings SETTINGS = new StoreSettings(VolumeSpec.small(), 64L << 20, 16L << 20, 3, 1024);

  @TempDir Path storeDir;
  @TempDir Path smDir;
  @TempDir Path otherDir;

  private static LogEntry put(String name, byte[] data) {
    return LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName(name).setData(ByteString.copyFrom(data))
        .setCrc32C(Crc32c.of(data))).build();
  }

  @Test
  void writesTheViewWhileTheStoreGoesOnAndReportsItsIndex() throws Exception {
    byte[] first = "first".getBytes();
    try (SegmentStore store = SegmentStore.open(storeDir, SETTINGS); SnapshotWriter writer = new SnapshotWriter()) {
      store.apply(3, 1, put("seg", first));
      StoreView view = store.freeze();
      store.apply(3, 2, put("seg", "second".getBytes()));
      Path file = smDir.resolve("snapshot.3_1");
      AtomicReference<TermIndex> written = new AtomicReference<>();
      writer.start("n1", view, file, written::set);
      writer.await();

      assertThat(written.get()).isEqualTo(TermIndex.valueOf(3, 1));
      SnapshotFiles.verify(file);
      try (SegmentStore restored = SegmentStore.open(otherDir, SETTINGS)) {
        restored.restoreSnapshot(new ByteArrayInputStream(Files.readAllBytes(file)));
        assertThat(restored.appliedRevision()).isEqualTo(1);
      }
      store.freeze().close(); // the view was let go: the store can freeze again
    }
  }

  @Test
  void aClosedWriterRefusesAViewAndLetsItGo() throws Exception {
    try (SegmentStore store = SegmentStore.open(storeDir, SETTINGS)) {
      store.apply(1, 1, put("seg", "x".getBytes()));
      SnapshotWriter writer = new SnapshotWriter();
      writer.close();
      StoreView view = store.freeze();
      assertThatThrownBy(() -> writer.start("n1", view, smDir.resolve("snapshot.1_1"), at -> { }))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThat(smDir.resolve("snapshot.1_1")).doesNotExist();
      store.freeze().close();
    }
  }
}
