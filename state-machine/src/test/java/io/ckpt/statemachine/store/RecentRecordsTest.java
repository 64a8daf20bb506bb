package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static io.ckpt.statemachine.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.WriteReply;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog's decoded records of recent writes never answer for a record the map no longer holds. */
class RecentRecordsTest {
  @TempDir Path dirA;
  @TempDir Path dirB;

  private static SegmentRecord record(String name, long version) {
    return SegmentRecord.newBuilder().setName(name).setLastVersion(version).build();
  }

  @Test
  void aSlotAnswersOnlyForTheLastNameWrittenToIt() {
    RecentRecords r = new RecentRecords(1); // one slot: every name collides
    assertThat(r.get("a")).isNull();
    r.written(record("a", 1));
    assertThat(r.get("a").getLastVersion()).isEqualTo(1);
    r.written(record("a", 2));
    assertThat(r.get("a").getLastVersion()).isEqualTo(2);
    r.written(record("b", 1));
    assertThat(r.get("a")).isNull();
    assertThat(r.get("b").getLastVersion()).isEqualTo(1);
    r.forget("a"); // another name's slot: kept
    assertThat(r.get("b")).isNotNull();
    r.forget("b");
    assertThat(r.get("b")).isNull();
    r.written(record("c", 1));
    r.clear();
    assertThat(r.get("c")).isNull();
  }

  @Test
  void slotsMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new RecentRecords(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecentRecords(3)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Apply with the decoded records (one store throughout) and without (reopened after every entry): same replies, same state. */
  @Test
  void applyAnswersAsIfEveryRecordWereReadFromTheMap() throws Exception {
    List<LogEntry> log = SnapshotTest.history(11, 80);
    try (SegmentStore warm = SegmentStore.open(dirA, SETTINGS)) {
      for (int i = 0; i < log.size(); i++) {
        WriteReply expected;
        try (SegmentStore cold = SegmentStore.open(dirB, SETTINGS)) {
          expected = cold.apply(1, i + 1, log.get(i));
        }
        assertThat(warm.apply(1, i + 1, log.get(i))).as("entry %d: %s", i + 1, log.get(i).getOpCase()).isEqualTo(expected);
      }
      try (SegmentStore cold = SegmentStore.open(dirB, SETTINGS)) {
        assertThat(warm.status()).isEqualTo(cold.status());
        for (String name : warm.catalog().names()) {
          assertThat(warm.catalog().segment(name)).isEqualTo(cold.catalog().segment(name));
          assertThat(read(warm, name, 0)).isEqualTo(read(cold, name, 0));
        }
      }
    }
  }

  /** A store that wrote the same segments before a restore answers with the snapshot's records. */
  @Test
  void restoreReplacesTheRecordsWrittenBefore() throws Exception {
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS); SegmentStore b = SegmentStore.open(dirB, SETTINGS)) {
      a.apply(1, 1, put("seg", bytes(100, 1)));
      byte[] snapshot = SnapshotTest.snapshot(a);
      for (int i = 1; i <= 3; i++) {
        b.apply(1, 2 * i - 1, put("seg", bytes(100, 10 + i)));
        b.apply(1, 2 * i, put("only-in-b", bytes(10, i)));
      }
      assertThat(b.catalog().segment("seg").orElseThrow().getLastVersion()).isEqualTo(3);
      b.restoreSnapshot(new ByteArrayInputStream(snapshot));
      assertThat(b.catalog().segment("seg")).isEqualTo(a.catalog().segment("seg"));
      assertThat(b.catalog().segment("only-in-b")).isEmpty();
      assertThat(read(b, "seg", 0)).isEqualTo(bytes(100, 1));
      assertThat(b.apply(1, 2, put("seg", bytes(100, 2)))).isEqualTo(a.apply(1, 2, put("seg", bytes(100, 2))));
      b.clear();
      assertThat(b.catalog().segment("seg")).isEmpty();
    }
  }
}
