package io.ckpt.statemachine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis's single-file snapshot storage, but the newest snapshot is the one with the highest
 * index whether or not it has an MD5: ckpt records none for its own snapshots (see
 * {@link SnapshotFiles#write}), while one installed from the leader has one, and Ratis would
 * take an older installed snapshot over newer ones of the node's own (which the store was
 * rebuilt from or sealed at: Ratis would then replay entries the store holds). Retention keeps
 * the newest by index too (Ratis's counts only snapshots with an MD5).
 */
final class CkptSnapshotStorage extends SimpleStateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(CkptSnapshotStorage.class);

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    if (policy != null && getLatestSnapshot() != null) {
      SnapshotFiles.retain(smDir(), policy.getNumSnapshotsRetained());
    }
  }

  @Override
  public SingleFileSnapshotInfo loadLatestSnapshot() {
    Path dir = smDir();
    if (dir == null) {
      return null;
    }
    try {
      List<SnapshotFiles.Snapshot> all = SnapshotFiles.list(dir);
      if (all.isEmpty()) {
        return null;
      }
      SnapshotFiles.Snapshot newest = all.get(0);
      // null without an .md5 file
      FileInfo info = new FileInfo(newest.file(), MD5FileUtil.readStoredMd5ForFile(newest.file().toFile()));
      return updateLatestSnapshot(new SingleFileSnapshotInfo(info, newest.termIndex()));
    } catch (IOException e) {
      LOG.warn("cannot read the snapshots in {}: {}", dir, e.toString());
      return null;
    }
  }

  /** The directory snapshots are written to (null before {@link #init}). */
  Path smDir() {
    Path file = getSnapshotFile(0, 0).toPath();
    return file.getParent();
  }
}
