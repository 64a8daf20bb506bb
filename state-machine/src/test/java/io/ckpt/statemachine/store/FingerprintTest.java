package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.StoreFingerprint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas that applied the same entries agree on their fingerprint; damage shows up in it. */
class FingerprintTest {
  @TempDir Path dir;

  private static final List<LogEntry> ENTRIES = List.of(put("a", bytes(100, 1)), put("b", bytes(5000, 2)),
      put("a", bytes(300, 3)), put("c/d", bytes(0, 4)), put("a", bytes(10, 5)), put("a", bytes(20, 6)));

  private static void applyAll(SegmentStore s, List<LogEntry> entries) {
    long revision = 0;
    for (LogEntry e : entries) {
      s.apply(1, ++revision, e);
    }
  }

  @Test
  void sameEntriesGiveTheSameDigestAndADifferentEntryChangesIt() throws Exception {
    try (SegmentStore one = SegmentStore.open(dir.resolve("one"), SETTINGS);
        SegmentStore two = SegmentStore.open(dir.resolve("two"), SETTINGS);
        SegmentStore three = SegmentStore.open(dir.resolve("three"), SETTINGS)) {
      applyAll(one, ENTRIES);
      applyAll(two, ENTRIES);
      List<LogEntry> other = new java.util.ArrayList<>(ENTRIES);
      other.set(2, put("a", bytes(300, 7)));
      applyAll(three, other);

      StoreFingerprint f1 = one.fingerprint(true);
      assertThat(f1.getSegments()).isEqualTo(3);
      assertThat(f1.getVersions()).isEqualTo(3 + 1 + 1);
      assertThat(f1.getChunksVerified()).isPositive();
      assertThat(f1.getCorruptChunksList()).isEmpty();
      assertThat(two.fingerprint(true).getDigest()).isEqualTo(f1.getDigest());
      assertThat(three.fingerprint(false).getDigest()).isNotEqualTo(f1.getDigest());
    }
  }

  @Test
  void aChunkWhoseBytesChangedIsReported() throws Exception {
    try (SegmentStore s = SegmentStore.open(dir, SETTINGS)) {
      applyAll(s, ENTRIES);
      ChunkRef ref = s.catalog().segment("b").orElseThrow().getVersions(0).getChunks(0);
      byte[] damaged = s.readChunk(ref);
      damaged[17] ^= 0x40;
      s.volumes().put(ref.getVolume(), ref.getId(), damaged);

      assertThat(s.fingerprint(true).getCorruptChunksList()).containsExactly("b@1#0");
      assertThat(s.fingerprint(false).getChunksVerified()).isZero();
    }
  }
}
