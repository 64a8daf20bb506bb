package io.ckpt.statemachine;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;

/**
 * Ratis's single-file snapshot storage with retention by index alone: ckpt records no MD5 for
 * its snapshots (see {@link SnapshotFiles#write}), and Ratis's own retention keeps every
 * snapshot that has none.
 */
final class CkptSnapshotStorage extends SimpleStateMachineStorage {
  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    if (policy != null && getLatestSnapshot() != null) {
      SnapshotFiles.retain(smDir(), policy.getNumSnapshotsRetained());
    }
  }

  /** The directory snapshots are written to. */
  Path smDir() {
    return getSnapshotFile(0, 0).toPath().getParent();
  }
}
