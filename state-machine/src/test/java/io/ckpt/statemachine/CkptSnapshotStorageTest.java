package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageDirectory;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which snapshot the storage reports as the latest, and when it looks at the disk for it. */
class CkptSnapshotStorageTest {
  @TempDir Path groupDir;

  @Test
  void aNodeWithoutSnapshotsDoesNotListItsDirectoryOnEveryCall() throws IOException {
    CkptSnapshotStorage storage = started();
    assertThat(storage.getLatestSnapshot()).isNull();
    // A file that appears behind the storage's back is not looked for on every call...
    Path file = snapshotFile(storage, 2, 40);
    assertThat(storage.getLatestSnapshot()).isNull();
    // ...but an explicit load (how a snapshot installed from the leader is taken up) finds it.
    assertThat(storage.loadLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 40));
    assertThat(storage.getLatestSnapshot().getFile().getPath()).isEqualTo(file);
  }

  @Test
  void aSnapshotRecordedByTheNodeIsTheLatestAtOnce() throws IOException {
    CkptSnapshotStorage storage = started();
    assertThat(storage.getLatestSnapshot()).isNull();
    Path file = snapshotFile(storage, 1, 7);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, null), TermIndex.valueOf(1, 7)));
    assertThat(storage.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 7));
  }

  @Test
  void aNodeThatHasSnapshotsFindsTheNewestByIndexAtStart() throws IOException {
    CkptSnapshotStorage first = started();
    snapshotFile(first, 1, 7);
    snapshotFile(first, 2, 30);
    CkptSnapshotStorage restarted = started();
    assertThat(restarted.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 30));
  }

  private CkptSnapshotStorage started() throws IOException {
    CkptSnapshotStorage storage = new CkptSnapshotStorage();
    storage.init(storageIn(groupDir));
    return storage;
  }

  private static Path snapshotFile(CkptSnapshotStorage storage, long term, long index) throws IOException {
    Path file = storage.getSnapshotFile(term, index).toPath();
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[] {1, 2, 3});
  }

  /** A Raft storage rooted at {@code root}: all the snapshot storage asks of it is where sm/ is. */
  private static RaftStorage storageIn(Path root) {
    RaftStorageDirectory dir = new RaftStorageDirectory() {
      @Override
      public File getRoot() {
        return root.toFile();
      }

      @Override
      public boolean isHealthy() {
        return true;
      }
    };
    return new RaftStorage() {
      @Override
      public void initialize() {}

      @Override
      public RaftStorageDirectory getStorageDir() {
        return dir;
      }

      @Override
      public RaftStorageMetadataFile getMetadataFile() {
        throw new UnsupportedOperationException();
      }

      @Override
      public RaftServerConfigKeys.Log.CorruptionPolicy getLogCorruptionPolicy() {
        return RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION;
      }

      @Override
      public void close() {}
    };
  }
}
