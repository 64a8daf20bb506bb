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
 *
 * <p>Ratis caches the latest snapshot once there is one, but not the absence of one: until a
 * node's first snapshot, every {@link #getLatestSnapshot} listed the directory, and Ratis asks
 * on every pass of each log appender and of the state-machine updater (~0.1 ms per put on the
 * leader at one client). Here a listing that found none is remembered until a snapshot is
 * recorded ({@link #updateLatestSnapshot}) or the directory is listed again
 * ({@link #loadLatestSnapshot}, which Ratis's snapshot installation ends with, through the
 * state machine's {@code reinitialize}).
 */
final class CkptSnapshotStorage extends SimpleStateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(CkptSnapshotStorage.class);
  /** The last listing found no snapshot and none was recorded since (guarded by this for writes). */
  private volatile boolean noneOnDisk;

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return noneOnDisk ? null : super.getLatestSnapshot();
  }

  @Override
  public synchronized SingleFileSnapshotInfo updateLatestSnapshot(SingleFileSnapshotInfo info) {
    SingleFileSnapshotInfo latest = super.updateLatestSnapshot(info);
    noneOnDisk = false;
    return latest;
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    if (policy != null && getLatestSnapshot() != null) {
      SnapshotFiles.retain(smDir(), policy.getNumSnapshotsRetained());
    }
  }

  /** Lists the directory (atomically with {@link #updateLatestSnapshot}, so "none" is never recorded late). */
  @Override
  public synchronized SingleFileSnapshotInfo loadLatestSnapshot() {
    Path dir = smDir();
    if (dir == null) {
      return null;
    }
    try {
      List<SnapshotFiles.Snapshot> all = SnapshotFiles.list(dir);
      noneOnDisk = all.isEmpty();
      if (all.isEmpty()) {
        return null;
      }
      SnapshotFiles.Snapshot newest = all.get(0);
      // null without an .md5 file
      FileInfo info = new FileInfo(newest.file(), MD5FileUtil.readStoredMd5ForFile(newest.file().toFile()));
      return updateLatestSnapshot(new SingleFileSnapshotInfo(info, newest.termIndex()));
    } catch (IOException e) {
      LOG.warn("cannot read the snapshots in {}: {}", dir, e.toString());
      noneOnDisk = false; // not known: the next call looks again
      return null;
    }
  }

  /** The directory snapshots are written to (null before {@link #init}). */
  Path smDir() {
    Path file = getSnapshotFile(0, 0).toPath();
    return file.getParent();
  }
}
