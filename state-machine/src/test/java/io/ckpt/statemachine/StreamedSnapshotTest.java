package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.ReadChunkQuery;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import io.ckpt.statemachine.store.StoreSettings;
import io.ckpt.statemachine.stream.StreamFiles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed chunks are kept by reference in their stream files: never copied into a volume,
 * counted against the quota, linked (not copied) into snapshots, and linked back on restore.
 */
class StreamedSnapshotTest {
  private static final StoreSettings SETTINGS = new StoreSettings(VolumeSpec.small(), 64L << 20, 16L << 20, 3, 1024);
  private static final int CHUNK = 4096;

  @TempDir Path root;

  /** Writes the stream file of log entry {@code index} as a node receives it, and returns the entry. */
  private static LogEntry streamed(Path streams, long index, String upload, String name, byte[] data) throws Exception {
    Files.createDirectories(streams);
    Files.write(StreamFiles.linkedFile(streams, index), data);
    StreamedChunksEntry.Builder run = StreamedChunksEntry.newBuilder().setUploadId(upload).setName(name)
        .setChunkBytes(CHUNK).setSize(data.length);
    for (int from = 0; from < data.length; from += CHUNK) {
      run.addChunkCrc32C(Crc32c.of(java.util.Arrays.copyOfRange(data, from, Math.min(data.length, from + CHUNK))));
    }
    return LogEntry.newBuilder().setStreamedChunks(run).build();
  }

  private static LogEntry commit(String upload, String name, byte[] whole) {
    return LogEntry.newBuilder().setCommit(CommitEntry.newBuilder().setUploadId(upload).setName(name)
        .setChunkCount((whole.length + CHUNK - 1) / CHUNK).setSize(whole.length).setCrc32C(Crc32c.of(whole))).build();
  }

  private static byte[] read(SegmentStore store, String name) throws Exception {
    QueryReply head = store.query(Query.newBuilder().setGet(GetQuery.newBuilder().setName(name)
        .setIncludeFirstChunk(true)).build());
    assertThat(head.getStatus()).as(head.getMessage()).isEqualTo(Status.OK);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    head.getData().writeTo(out);
    for (int i = 1; i < head.getInfo().getChunkCount(); i++) {
      QueryReply chunk = store.query(Query.newBuilder().setReadChunk(ReadChunkQuery.newBuilder().setName(name)
          .setVersion(head.getInfo().getVersion()).setIndex(i)).build());
      assertThat(chunk.getStatus()).as(chunk.getMessage()).isEqualTo(Status.OK);
      chunk.getData().writeTo(out);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void streamedChunksStayInTheirFileAndCountAgainstTheQuota() throws Exception {
    Path streams = root.resolve(StreamFiles.DIR_NAME);
    byte[] data = bytes(3 * CHUNK + 100, 1);
    try (SegmentStore store = SegmentStore.open(root.resolve("store"), SETTINGS)) {
      store.apply(1, 1, streamed(streams, 1, "u1", "seg", data));
      assertThat(store.streamInUse(1)).as("a staged upload names its stream file").isTrue();
      store.apply(1, 2, commit("u1", "seg", data));

      assertThat(read(store, "seg")).isEqualTo(data);
      assertThat(store.status().getVolumes()).as("no volume file: no chunk was copied").isZero();
      assertThat(store.usedBytes()).isEqualTo(data.length);

      store.apply(1, 3, streamed(streams, 3, "u2", "other", bytes(10, 2)));
      store.apply(1, 4, LogEntry.newBuilder().setAbort(AbortEntry.newBuilder().setUploadId("u2")).build());
      assertThat(store.streamInUse(3)).as("an aborted upload frees its stream file").isFalse();
      assertThat(store.usedBytes()).isEqualTo(data.length);
    }
    try (SegmentStore reopened = SegmentStore.open(root.resolve("store"), SETTINGS)) {
      assertThat(reopened.streamInUse(1)).as("the references are recounted from the catalog").isTrue();
      assertThat(reopened.usedBytes()).isEqualTo(data.length);
      assertThat(read(reopened, "seg")).isEqualTo(data);
    }
  }

  @Test
  void aSnapshotLinksItsStreamFilesAndARestoreLinksThemBack() throws Exception {
    Path streams = root.resolve("a").resolve(StreamFiles.DIR_NAME);
    Path sm = Files.createDirectories(root.resolve("sm"));
    byte[] data = bytes(2 * CHUNK + 7, 3);
    Path snapshot = sm.resolve("snapshot.1_2");
    try (SegmentStore store = SegmentStore.open(root.resolve("a").resolve("store"), SETTINGS)) {
      store.apply(1, 1, streamed(streams, 1, "u1", "seg", data));
      store.apply(1, 2, commit("u1", "seg", data));
      SnapshotFiles.write(store, snapshot);
    }
    Path link = SnapshotFiles.streamLinks(snapshot).resolve("1.stream");
    assertThat(Files.isSameFile(link, StreamFiles.linkedFile(streams, 1))).as("a link, not a copy").isTrue();
    assertThat(SnapshotFiles.links(snapshot)).containsExactly(link);

    // Elsewhere (a follower that was sent the snapshot), with no stream files of its own.
    Path other = root.resolve("b");
    try (SegmentStore restored = SegmentStore.open(other.resolve("store"), SETTINGS)) {
      SnapshotFiles.restore(restored, snapshot);
      assertThat(read(restored, "seg")).isEqualTo(data);
      assertThat(Files.isSameFile(StreamFiles.linkedFile(other.resolve(StreamFiles.DIR_NAME), 1), link)).isTrue();
    }

    // A snapshot without the stream file its records name is damaged, not half restored.
    Files.delete(link);
    try (SegmentStore restored = SegmentStore.open(root.resolve("c").resolve("store"), SETTINGS)) {
      assertThatThrownBy(() -> SnapshotFiles.restore(restored, snapshot)).isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining("names the stream files of log entries [1]");
    }
  }

  @Test
  void linksGoWithTheirSnapshot() throws Exception {
    Path streams = root.resolve(StreamFiles.DIR_NAME);
    Path sm = Files.createDirectories(root.resolve("sm"));
    try (SegmentStore store = SegmentStore.open(root.resolve("store"), SETTINGS)) {
      for (int i = 1; i <= 3; i++) {
        byte[] data = bytes(CHUNK, i);
        store.apply(1, 2L * i - 1, streamed(streams, 2L * i - 1, "u" + i, "seg", data));
        store.apply(1, 2L * i, commit("u" + i, "seg", data));
        SnapshotFiles.write(store, sm.resolve("snapshot.1_" + 2 * i));
      }
    }
    assertThat(SnapshotFiles.streamLinks(sm.resolve("snapshot.1_2"))).isDirectory();
    SnapshotFiles.retain(sm, 2);
    assertThat(SnapshotFiles.streamLinks(sm.resolve("snapshot.1_2"))).doesNotExist();
    assertThat(SnapshotFiles.streamLinks(sm.resolve("snapshot.1_6")).resolve("5.stream")).exists();

    // Links whose snapshot never completed (a crash while it was written) go at start.
    Path unfinished = Files.createDirectories(SnapshotFiles.streamLinks(sm.resolve("snapshot.1_8")));
    Files.createLink(unfinished.resolve("5.stream"), StreamFiles.linkedFile(streams, 5));
    SnapshotFiles.deleteUnfinished(sm);
    assertThat(unfinished).doesNotExist();
    assertThat(SnapshotFiles.streamLinks(sm.resolve("snapshot.1_6"))).isDirectory();
  }

  @Test
  void aStreamFileTheStoreNamesIsNotPurgedEvenWhenCovered() throws Exception {
    Path streams = root.resolve(StreamFiles.DIR_NAME);
    StreamFiles files = new StreamFiles(streams, CHUNK, 1 << 20, StreamFiles.Space.UNCHECKED);
    try (SegmentStore store = SegmentStore.open(root.resolve("store"), SETTINGS)) {
      for (int i = 1; i <= 4; i++) { // retention keeps 3 versions: the first one's file is freed
        byte[] data = bytes(CHUNK, i);
        store.apply(1, 2L * i - 1, streamed(streams, 2L * i - 1, "u" + i, "seg", data));
        store.apply(1, 2L * i, commit("u" + i, "seg", data));
      }
      files.purge(8, store::streamInUse);
      assertThat(files.files()).extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder("3.stream", "5.stream", "7.stream");
      files.purge(4, i -> false);
      assertThat(files.files()).extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder("5.stream", "7.stream");
    }
  }
}
