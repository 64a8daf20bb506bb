package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.chunk;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.store.VolumeSpec;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes that must be refused before they enter the log. */
class AdmissionTest {
  @TempDir Path dir;

  static Status rejection(SegmentStore store, LogEntry e, long reserved) {
    try {
      store.admit(e, reserved);
      return Status.OK;
    } catch (Rejected r) {
      assertThat(r.getMessage()).startsWith("[ckpt:" + r.status().name() + "] ");
      return r.status();
    }
  }

  @Test
  void badInputIsRefusedWithItsReason() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      assertThat(rejection(store, put("ok/name", bytes(10, 1)), 0)).isEqualTo(Status.OK);
      assertThat(rejection(store, put("", bytes(10, 1)), 0)).isEqualTo(Status.INVALID);
      assertThat(rejection(store, put("a/../b", bytes(10, 1)), 0)).isEqualTo(Status.INVALID);
      assertThat(rejection(store, put("trailing/", bytes(10, 1)), 0)).isEqualTo(Status.INVALID);
      assertThat(rejection(store, LogEntry.getDefaultInstance(), 0)).isEqualTo(Status.INVALID);
      var corrupt = put("seg", bytes(10, 1)).toBuilder();
      corrupt.getPutBuilder().setCrc32C(1);
      assertThat(rejection(store, corrupt.build(), 0)).isEqualTo(Status.CORRUPT);
      int tooBig = store.settings().maxChunkBytes() + 1;
      assertThat(rejection(store, put("seg", bytes(tooBig, 1)), 0)).isIn(Status.TOO_LARGE, Status.INVALID);
      assertThat(rejection(store, chunk("", "seg", 0, bytes(10, 1)), 0)).isEqualTo(Status.INVALID);
      assertThat(rejection(store, chunk("u", "seg", 0, new byte[0]), 0)).isEqualTo(Status.INVALID);
      assertThat(rejection(store, chunk("u", "seg", StoreSettings.MAX_CHUNKS_PER_VERSION, bytes(10, 1)), 0))
          .isEqualTo(Status.TOO_LARGE);
    }
  }

  @Test
  void segmentLargerThanTheMaximumIsRefused() throws Exception {
    StoreSettings s = new StoreSettings(VolumeSpec.small(), 64L << 20, 10_000, 3, 1024);
    try (SegmentStore store = SegmentStore.open(dir, s)) {
      assertThat(rejection(store, put("seg", bytes(10_001, 1)), 0)).isEqualTo(Status.TOO_LARGE);
      store.apply(1, 1, chunk("u", "seg", 0, bytes(6000, 1)));
      assertThat(rejection(store, chunk("u", "seg", 1, bytes(6000, 2)), 0)).isEqualTo(Status.TOO_LARGE);
    }
  }

  @Test
  void quotaCountsStoredAndInFlightBytes() throws Exception {
    long quota = 4L << 20;
    StoreSettings s = new StoreSettings(VolumeSpec.small(), quota, 16L << 20, 3, 1024);
    try (SegmentStore store = SegmentStore.open(dir, s)) {
      byte[] chunk = bytes(64 << 10, 1);
      long rev = 0;
      while (rejection(store, put("seg" + rev, chunk), 0) == Status.OK) {
        store.apply(1, ++rev, put("seg" + rev, chunk));
        assertThat(rev).isLessThan(1000);
      }
      assertThat(rejection(store, put("more", chunk), 0)).isEqualTo(Status.QUOTA_EXCEEDED);
      assertThat(store.status().getUsedBytes()).isLessThanOrEqualTo(quota);
      store.apply(1, ++rev, StoreFixture.delete("seg1"));
      assertThat(rejection(store, put("more", chunk), 0)).isEqualTo(Status.OK);
      assertThat(rejection(store, put("more", chunk), quota)).isEqualTo(Status.QUOTA_EXCEEDED);
    }
  }

  @Test
  void aFullCatalogRefusesNewSegmentsButNotNewVersions() throws Exception {
    // 9/10 of 32 entries: the 29th segment is refused.
    StoreSettings s = new StoreSettings(VolumeSpec.small(), 64L << 20, 16L << 20, 3, 32);
    try (SegmentStore store = SegmentStore.open(dir, s)) {
      long rev = 0;
      while (rejection(store, put("seg" + rev, bytes(10, 1)), 0) == Status.OK) {
        store.apply(1, ++rev, put("seg" + (rev - 1), bytes(10, 1)));
        assertThat(rev).isLessThan(32);
      }
      assertThat(rev).isEqualTo(28);
      assertThat(store.status().getSegments()).isEqualTo(28);
      assertThatThrownBy(() -> store.admit(put("one-more", bytes(10, 1)), 0)).isInstanceOf(Rejected.class)
          .hasMessageContaining("the catalog is full (28 segments and uploads): raise ckpt.store.catalog.entries");
      assertThat(rejection(store, put("seg0", bytes(10, 2)), 0)).as("a new version of a segment there").isEqualTo(Status.OK);
      // A deleted segment keeps its record (its version numbers are never reused): no room is freed.
      store.apply(1, ++rev, StoreFixture.delete("seg0"));
      assertThat(store.status().getSegments()).isEqualTo(28);
      assertThat(rejection(store, put("one-more", bytes(10, 1)), 0)).isEqualTo(Status.QUOTA_EXCEEDED);
      assertThat(rejection(store, put("seg0", bytes(10, 3)), 0)).isEqualTo(Status.OK);
    }
  }
}
