package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.chunk;
import static io.ckpt.statemachine.store.StoreFixture.commit;
import static io.ckpt.statemachine.store.StoreFixture.get;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static io.ckpt.statemachine.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply and query on a real store (Chronicle Map files in a temp directory). */
class SegmentStoreTest {
  @TempDir Path dir;
  SegmentStore store;
  long revision;

  @BeforeEach
  void open() throws Exception {
    store = SegmentStore.open(dir, SETTINGS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  WriteReply apply(io.ckpt.protocol.LogEntry e) {
    return store.apply(1, ++revision, e);
  }

  @Test
  void putCreatesVersionsNumberedFromOneWithTheirRevision() {
    WriteReply first = apply(put("a/b", bytes(100, 1)));
    apply(put("other", bytes(10, 9)));
    WriteReply second = apply(put("a/b", bytes(200, 2)));

    assertThat(first.getStatus()).isEqualTo(Status.OK);
    assertThat(first.getVersion().getVersion()).isEqualTo(1);
    assertThat(first.getVersion().getRevision()).isEqualTo(1);
    assertThat(second.getVersion().getVersion()).isEqualTo(2);
    assertThat(second.getVersion().getRevision()).isEqualTo(3);
    assertThat(read(store, "a/b", 0)).isEqualTo(bytes(200, 2));
    assertThat(read(store, "a/b", 1)).isEqualTo(bytes(100, 1));
    assertThat(store.appliedRevision()).isEqualTo(3);
  }

  @Test
  void emptySegmentIsAVersionWithNoBytes() {
    WriteReply r = apply(put("empty", new byte[0]));
    assertThat(r.getVersion().getSize()).isZero();
    assertThat(get(store, "empty", 0).getInfo().getChunkCount()).isZero();
    assertThat(read(store, "empty", 0)).isEmpty();
  }

  @Test
  void uploadIsInvisibleUntilItsCommitIsApplied() {
    apply(put("seg", bytes(50, 1)));
    byte[] c0 = bytes(4096, 10);
    byte[] c1 = bytes(4096, 11);
    byte[] c2 = bytes(100, 12);
    apply(chunk("u1", "seg", 0, c0));
    apply(chunk("u1", "seg", 1, c1));
    apply(chunk("u1", "seg", 2, c2));

    assertThat(get(store, "seg", 0).getInfo().getVersion()).isEqualTo(1);
    assertThat(read(store, "seg", 0)).isEqualTo(bytes(50, 1));

    byte[] whole = concat(c0, c1, c2);
    WriteReply r = apply(commit("u1", "seg", 3, whole));
    assertThat(r.getStatus()).isEqualTo(Status.OK);
    assertThat(r.getVersion().getVersion()).isEqualTo(2);
    assertThat(read(store, "seg", 0)).isEqualTo(whole);
    assertThat(store.status().getStagedUploads()).isZero();
  }

  @Test
  void commitThatDisagreesWithStagedChunksIsRefusedAndFreesThem() {
    long before = store.status().getUsedBytes();
    apply(chunk("u1", "seg", 0, bytes(4096, 1)));
    apply(chunk("u1", "seg", 1, bytes(4096, 2)));
    WriteReply r = apply(commit("u1", "seg", 3, bytes(9000, 3)));
    assertThat(r.getStatus()).isEqualTo(Status.CORRUPT);
    assertThat(get(store, "seg", 0).getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.status().getUsedBytes()).isEqualTo(before);
  }

  @Test
  void chunkOutOfOrderIsRefusedAndDuplicateIsIgnored() {
    apply(chunk("u1", "seg", 0, bytes(10, 1)));
    assertThat(apply(chunk("u1", "seg", 0, bytes(10, 1))).getStagedChunks()).isEqualTo(1);
    assertThat(apply(chunk("u1", "seg", 2, bytes(10, 3))).getStatus()).isEqualTo(Status.INVALID);
  }

  @Test
  void catalogHoldsRecordsOfSegmentsWithThousandsOfChunks() throws Exception {
    store.close();
    StoreSettings settings = new StoreSettings(io.ckpt.client.store.VolumeSpec.small().withMaxVolumes(99), 1L << 30,
        1L << 30, 3, io.ckpt.statemachine.CkptStoreConfigKeys.CATALOG_ENTRIES_DEFAULT);
    store = SegmentStore.open(dir.resolve("many"), settings);
    for (int v = 1; v <= 3; v++) {
      String upload = "many-" + v;
      java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
      int chunks = StoreSettings.MAX_CHUNKS_PER_VERSION;
      for (int i = 0; i < chunks; i++) {
        byte[] b = bytes(8, v * 10_000 + i);
        whole.write(b);
        assertThat(apply(chunk(upload, "many", i, b)).getStatus()).isEqualTo(Status.OK);
      }
      assertThat(apply(chunk(upload, "many", chunks, bytes(8, 1))).getStatus()).isEqualTo(Status.TOO_LARGE);
      assertThat(apply(commit(upload, "many", chunks, whole.toByteArray())).getStatus()).isEqualTo(Status.OK);
      assertThat(read(store, "many", 0)).isEqualTo(whole.toByteArray());
    }
    assertThat(get(store, "many", 0).getRetainedVersionsList()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void chunkOfAnAbortedUploadIsRefusedAsUnknown() {
    apply(chunk("u1", "seg", 0, bytes(10, 1)));
    apply(StoreFixture.abort("u1"));
    WriteReply late = apply(chunk("u1", "seg", 1, bytes(10, 2)));
    assertThat(late.getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(late.getMessage()).contains("aborted");
    assertThat(store.status().getStagedUploads()).isZero();
  }

  @Test
  void retentionKeepsTheLastVersionsAndFreesTheRest() {
    for (int i = 1; i <= 5; i++) {
      apply(put("seg", bytes(1000 * i, i)));
    }
    var head = get(store, "seg", 0);
    assertThat(head.getRetainedVersionsList()).containsExactly(3L, 4L, 5L);
    var gone = get(store, "seg", 1);
    assertThat(gone.getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(gone.getMessage()).contains("no longer retained");
    assertThat(get(store, "seg", 9).getMessage()).contains("does not exist yet");
    long threeVersions = store.status().getUsedBytes();
    apply(put("seg", bytes(1000, 6)));
    apply(put("seg", bytes(1000, 7)));
    apply(put("seg", bytes(1000, 8)));
    assertThat(store.status().getUsedBytes()).isLessThanOrEqualTo(threeVersions);
  }

  @Test
  void compareAndSetAppliesOnlyOnTheExpectedVersion() {
    apply(put("seg", bytes(10, 1)));
    WriteReply conflict = apply(StoreFixture.putIfVersion("seg", bytes(10, 2), 0));
    assertThat(conflict.getStatus()).isEqualTo(Status.CONFLICT);
    assertThat(conflict.getCurrentVersion()).isEqualTo(1);
    WriteReply ok = apply(StoreFixture.putIfVersion("seg", bytes(10, 3), 1));
    assertThat(ok.getVersion().getVersion()).isEqualTo(2);
    assertThat(read(store, "seg", 0)).isEqualTo(bytes(10, 3));
  }

  @Test
  void reapplyingAnAppliedRevisionChangesNothing() {
    store.apply(1, 5, put("seg", bytes(10, 1)));
    WriteReply again = store.apply(1, 5, put("seg", bytes(10, 2)));
    assertThat(again.hasVersion()).isFalse();
    assertThat(get(store, "seg", 0).getInfo().getVersion()).isEqualTo(1);
    assertThat(read(store, "seg", 0)).isEqualTo(bytes(10, 1));
  }

  @Test
  void deleteAndAbortFreeTheirChunks() {
    long empty = store.status().getUsedBytes();
    apply(put("seg", bytes(5000, 1)));
    apply(chunk("u9", "big", 0, bytes(5000, 2)));
    assertThat(store.status().getUsedBytes()).isGreaterThan(empty);
    assertThat(apply(StoreFixture.delete("seg")).getStatus()).isEqualTo(Status.OK);
    assertThat(apply(StoreFixture.abort("u9")).getStatus()).isEqualTo(Status.OK);
    assertThat(store.status().getUsedBytes()).isEqualTo(empty);
    assertThat(apply(StoreFixture.delete("seg")).getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(get(store, "seg", 0).getStatus()).isEqualTo(Status.NOT_FOUND);
  }

  @Test
  void invalidEntriesThatReachApplyChangeNothing() {
    assertThat(apply(put("../bad", bytes(10, 1))).getStatus()).isEqualTo(Status.INVALID);
    var corrupt = put("seg", bytes(10, 1)).toBuilder();
    corrupt.getPutBuilder().setCrc32C(corrupt.getPut().getCrc32C() ^ 1);
    assertThat(apply(corrupt.build()).getStatus()).isEqualTo(Status.CORRUPT);
    assertThat(store.status().getSegments()).isZero();
  }

  @Test
  void reopenedStoreKeepsItsContent() throws Exception {
    apply(put("seg", bytes(3000, 1)));
    apply(chunk("u1", "big", 0, bytes(4096, 2)));
    store.close();
    store = SegmentStore.open(dir, SETTINGS);
    assertThat(store.appliedRevision()).isEqualTo(2);
    assertThat(read(store, "seg", 0)).isEqualTo(bytes(3000, 1));
    assertThat(store.status().getStagedUploads()).isEqualTo(1);
    WriteReply r = store.apply(1, 3, put("seg2", bytes(10, 3)));
    assertThat(r.getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void theStateReachesTheCatalogWhenTheCatalogIsReadWholeAndOnClose() throws Exception {
    apply(put("seg", bytes(100, 1)));
    apply(put("seg", bytes(100, 2)));
    try (StoreView view = store.freeze()) {
      assertThat(store.catalog().state().getAppliedRevision()).isEqualTo(2);
    }
    apply(put("other", bytes(10, 3)));
    assertThat(store.fingerprint(false).getAppliedRevision()).isEqualTo(3);
    assertThat(store.catalog().state().getAppliedRevision()).isEqualTo(3);
    apply(put("seg", bytes(100, 4)));
    store.close();
    store = SegmentStore.open(dir, SETTINGS);
    assertThat(store.appliedRevision()).isEqualTo(4);
    // The chunk id counter came back with it: a new chunk takes a fresh id, no kept chunk is overwritten.
    apply(put("new", bytes(50, 5)));
    assertThat(read(store, "seg", 1)).isEqualTo(bytes(100, 1));
    assertThat(read(store, "seg", 2)).isEqualTo(bytes(100, 2));
    assertThat(read(store, "seg", 3)).isEqualTo(bytes(100, 4));
    assertThat(read(store, "other", 0)).isEqualTo(bytes(10, 3));
    assertThat(read(store, "new", 0)).isEqualTo(bytes(50, 5));
  }

  /** The name index follows every write of a record: repeated puts, a cleared store, a restored snapshot. */
  @Test
  void everySegmentWrittenIsListedOnceWhateverWroteItsRecord() throws Exception {
    for (int i = 0; i < 3; i++) {
      apply(put("a", bytes(10, i)));
    }
    apply(StoreFixture.register("b", 2, 1 << 20));
    apply(put("b", bytes(10, 5)));
    assertThat(listed()).containsExactly("a", "b");
    assertThat(store.status().getSegments()).isEqualTo(2);

    java.io.ByteArrayOutputStream snapshot = new java.io.ByteArrayOutputStream();
    store.writeSnapshot(snapshot);
    store.clear();
    assertThat(listed()).isEmpty();
    apply(put("a", bytes(10, 7)));
    assertThat(listed()).containsExactly("a");
    assertThat(store.status().getSegments()).isEqualTo(1);

    store.restoreSnapshot(new java.io.ByteArrayInputStream(snapshot.toByteArray()));
    apply(put("a", bytes(10, 8)));
    apply(put("c", bytes(10, 9)));
    assertThat(listed()).containsExactly("a", "b", "c");
    assertThat(store.status().getSegments()).isEqualTo(3);
  }

  private java.util.List<String> listed() {
    return store.query(io.ckpt.protocol.Query.newBuilder().setList(io.ckpt.protocol.ListQuery.getDefaultInstance())
        .build()).getEntriesList().stream().map(io.ckpt.protocol.VersionInfo::getName).toList();
  }

  static byte[] concat(byte[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
