package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static io.ckpt.statemachine.store.StoreFixture.putIfVersion;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.BatchEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: several puts in one log entry, each applied and answered as if alone. */
class GroupCommitApplyTest {
  @TempDir Path dir;

  static LogEntry batch(LogEntry... puts) {
    return LogEntry.newBuilder().setBatch(BatchEntry.newBuilder()
        .addAllPuts(Stream.of(puts).map(LogEntry::getPut).toList())).build();
  }

  @Test
  void eachPutOfABatchGetsItsOwnVersionAtTheEntrysRevision() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      store.apply(1, 1, put("b", bytes(10, 1)));
      WriteReply reply = store.apply(1, 2, batch(put("a", bytes(100, 2)), put("b", bytes(200, 3)),
          putIfVersion("c", bytes(5, 4), 7), put("d", new byte[0])));

      assertThat(reply.getBatchCount()).isEqualTo(4);
      assertThat(reply.getBatch(0).getVersion().getVersion()).isEqualTo(1);
      assertThat(reply.getBatch(1).getVersion().getVersion()).isEqualTo(2);
      assertThat(reply.getBatch(2).getStatus()).isEqualTo(Status.CONFLICT);
      assertThat(reply.getBatch(2).getCurrentVersion()).isZero();
      assertThat(reply.getBatch(3).getVersion().getSize()).isZero();
      assertThat(reply.getBatchList()).filteredOn(WriteReply::hasVersion)
          .allSatisfy(r -> assertThat(r.getVersion().getRevision()).isEqualTo(2));
      assertThat(StoreFixture.read(store, "a", 0)).isEqualTo(bytes(100, 2));
      assertThat(StoreFixture.read(store, "b", 0)).isEqualTo(bytes(200, 3));
      assertThat(store.catalog().segment("c")).isEmpty();
      assertThat(store.status().getAppliedRevision()).isEqualTo(2);
    }
  }

  @Test
  void aSecondPutOfTheSameSegmentInOneBatchIsRefusedAlone() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      WriteReply reply = store.apply(1, 1, batch(put("a", bytes(10, 1)), put("a", bytes(10, 2)), put("b", bytes(10, 3))));
      assertThat(reply.getBatch(0).getStatus()).isEqualTo(Status.OK);
      assertThat(reply.getBatch(1).getStatus()).isEqualTo(Status.INVALID);
      assertThat(reply.getBatch(1).getMessage()).contains("twice");
      assertThat(reply.getBatch(2).getStatus()).isEqualTo(Status.OK);
      assertThat(StoreFixture.read(store, "a", 0)).isEqualTo(bytes(10, 1));
    }
  }

  @Test
  void admissionRefusesABatchWholeWithTheReasonOfItsBadPut() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      assertThat(AdmissionTest.rejection(store, batch(put("a", bytes(10, 1)), put("b", bytes(10, 2))), 0))
          .isEqualTo(Status.OK);
      assertThat(AdmissionTest.rejection(store, batch(put("a", bytes(10, 1)), put("a", bytes(10, 2))), 0))
          .isEqualTo(Status.INVALID);
      assertThat(AdmissionTest.rejection(store, batch(put("a", bytes(10, 1)), put("bad/../name", bytes(10, 2))), 0))
          .isEqualTo(Status.INVALID);
      LogEntry corrupt = put("c", bytes(10, 3)).toBuilder().setPut(
          put("c", bytes(10, 3)).getPut().toBuilder().setCrc32C(1)).build();
      assertThat(AdmissionTest.rejection(store, batch(put("a", bytes(10, 1)), corrupt), 0)).isEqualTo(Status.CORRUPT);
      assertThat(AdmissionTest.rejection(store, LogEntry.newBuilder().setBatch(BatchEntry.getDefaultInstance()).build(),
          0)).isEqualTo(Status.INVALID);
      int half = store.settings().maxChunkBytes() / 2 + 1;
      assertThat(AdmissionTest.rejection(store, batch(put("a", bytes(half, 1)), put("b", bytes(half, 2))), 0))
          .isEqualTo(Status.TOO_LARGE);
      BatchEntry.Builder many = BatchEntry.newBuilder();
      for (int i = 0; i <= Admission.MAX_BATCH_PUTS; i++) {
        many.addPuts(put("s" + i, bytes(1, i)).getPut());
      }
      assertThat(AdmissionTest.rejection(store, LogEntry.newBuilder().setBatch(many).build(), 0))
          .isEqualTo(Status.INVALID);
    }
  }

  @Test
  void aBatchCountsItsOwnEarlierPutsAgainstTheQuota() throws Exception {
    long quota = 4L << 20;
    StoreSettings s = new StoreSettings(io.ckpt.client.store.VolumeSpec.small(), quota, 16L << 20, 3, 1024);
    try (SegmentStore store = SegmentStore.open(dir, s)) {
      byte[] chunk = bytes(64 << 10, 1);
      long reserved = quota - 3 * (long) s.volumes().chargeOf(chunk.length) / 2 - store.volumes().usedBytes();
      assertThat(AdmissionTest.rejection(store, put("x", chunk), reserved)).isEqualTo(Status.OK);
      assertThat(AdmissionTest.rejection(store, batch(put("x", chunk), put("y", chunk)), reserved))
          .isEqualTo(Status.QUOTA_EXCEEDED);
      assertThat(SegmentStore.payloadBytes(batch(put("x", chunk), put("y", chunk)))).isEqualTo(2L * chunk.length);
    }
  }

}
