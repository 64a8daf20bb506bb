package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.StoreFingerprint;
import io.ckpt.protocol.StoreStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frozen view is written as a snapshot while later entries apply (and free chunks the view
 * still names): the snapshot restores exactly the state at the freeze.
 */
class StoreViewTest {
  @TempDir Path dirA;
  @TempDir Path dirB;

  @Test
  void snapshotOfAFrozenViewIsTheStateAtTheFreezeWhateverAppliesAfter() throws Exception {
    List<LogEntry> log = SnapshotTest.history(11, 300);
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS); SegmentStore b = SegmentStore.open(dirB, SETTINGS)) {
      for (int i = 0; i < 150; i++) {
        a.apply(1, i + 1, log.get(i));
      }
      StoreFingerprint atFreeze = a.fingerprint(true);
      StoreStatus statusAtFreeze = a.status();
      Map<String, byte[]> contentAtFreeze = new HashMap<>();
      for (String name : a.catalog().names()) {
        contentAtFreeze.put(name, read(a, name, 0));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (StoreView view = a.freeze()) {
        assertThat(view.appliedRevision()).isEqualTo(150);
        // The rest of the history replaces and deletes versions the view holds, and stores new chunks.
        for (int i = 150; i < log.size(); i++) {
          a.apply(1, i + 1, log.get(i));
        }
        assertThatThrownBy(a::freeze).as("one view at a time").isInstanceOf(IllegalStateException.class);
        view.write(out, () -> false);
      }
      b.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()));
      assertThat(b.appliedRevision()).isEqualTo(150);
      assertThat(b.status()).isEqualTo(statusAtFreeze);
      assertThat(b.fingerprint(true)).isEqualTo(atFreeze);
      for (Map.Entry<String, byte[]> e : contentAtFreeze.entrySet()) {
        assertThat(read(b, e.getKey(), 0)).as(e.getKey()).isEqualTo(e.getValue());
      }
      // Both go on identically from the freeze.
      for (int i = 150; i < log.size(); i++) {
        b.apply(1, i + 1, log.get(i));
      }
      assertThat(b.fingerprint(true)).isEqualTo(a.fingerprint(true));
      assertThat(b.status()).isEqualTo(a.status());
    }
  }

  @Test
  void aCancelledWriteStopsAndTheStoreCanFreezeAgain() throws Exception {
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS)) {
      a.apply(1, 1, StoreFixture.put("seg", StoreFixture.bytes(5000, 1)));
      try (StoreView view = a.freeze()) {
        assertThatThrownBy(() -> view.write(new ByteArrayOutputStream(), () -> true))
            .isInstanceOf(CancellationException.class);
      }
      try (StoreView again = a.freeze()) {
        assertThat(again.appliedRevision()).isEqualTo(1);
      }
    }
  }
}
