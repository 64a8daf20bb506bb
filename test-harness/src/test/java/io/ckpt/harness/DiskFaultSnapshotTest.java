package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.internal.RaftGroups;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import io.ckpt.statemachine.DamagedStorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.ckpt.statemachine.SnapshotFiles;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Damaged snapshot files (flipped bytes). A node that needs its snapshot to rebuild its store
 * (after a crash) detects the damage (record checksums), moves the file aside and
 * rebuilds from an older snapshot or the whole log when the log still reaches back far enough;
 * when the log was purged behind the snapshot it refuses to start with one clear message, and
 * the node can then be rebuilt from its peers. A node that reuses its verified store rewrites a
 * damaged latest snapshot, so it never ships it to a follower.
 *
 * <p>Before the fix: a damaged snapshot failed the start with Ratis's "MD5 mismatch" (or the
 * store's "move it aside") message inside a stack trace, whatever the log still held; a damaged
 * snapshot beside a clean store went unnoticed.
 */
class DiskFaultSnapshotTest {
  /** Snapshots every 100 entries; {@code purge} false keeps the whole log. */
  static MiniCluster start(boolean purge) {
    MiniCluster.Builder b = DiskFaults.cluster()
        .property("raft.server.snapshot.auto.trigger.threshold", "100")
        .property(CkptStoreConfigKeys.SNAPSHOT_BYTES_KEY, "1MB")
        .property("raft.server.log.segment.size.max", "64KB");
    if (!purge) {
      b.property("raft.server.log.purge.gap", "1000000000");
    }
    return b.start();
  }

  static Map<String, byte[]> write(CheckpointClient client, int n) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      data.put("dsn/seg" + (i % 20), DiskFaults.text(i));
      client.put("dsn/seg" + (i % 20), DiskFaults.text(i));
    }
    return data;
  }

  static List<Path> snapshots(MiniCluster cluster, String node) throws Exception {
    List<Path> files = Damage.files(Damage.groupDir(cluster.nodeDir(node)).resolve("sm"), "snapshot.*_*");
    files.removeIf(p -> !p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"));
    files.sort(java.util.Comparator.comparingLong(
        (Path p) -> Long.parseLong(p.getFileName().toString().replaceAll(".*_", ""))).reversed());
    return files;
  }

  @Test
  void aDamagedSnapshotBehindAPurgedLogIsMovedAsideAndTheNodeRefusesWithAClearMessage() throws Exception {
    try (MiniCluster cluster = start(true)) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client();
      Map<String, byte[]> data = write(client, 400);
      var log = cluster.node(victim).raftServer().getDivision(RaftGroups.GROUP_ID).getRaftLog();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log.getStartIndex() > 0);
      cluster.crash(victim);
      List<Path> damaged = snapshots(cluster, victim);
      assertThat(damaged).isNotEmpty();
      for (Path p : damaged) {
        Damage.flip(p, Files.size(p) / 2, 4);
      }

      Throwable refused = catchThrowable(() -> cluster.start(victim));

      DamagedStorageException e = DiskFaults.damage(refused).orElseThrow(() -> new AssertionError(refused));
      assertThat(e.getMessage()).startsWith("node " + victim + " cannot rebuild its store: snapshot " + damaged.get(0))
          .contains("moved to " + damaged.get(0).getFileName() + ".corrupt")
          .contains("move " + cluster.nodeDir(victim) + " aside")
          .doesNotContain("\n");
      assertThat(damaged.get(0).resolveSibling(damaged.get(0).getFileName() + ".corrupt")).exists();
      assertThat(damaged.get(0)).doesNotExist();

      Files.move(cluster.nodeDir(victim), cluster.dir().resolve(victim + "-damaged"));
      cluster.start(victim);
      cluster.restart(cluster.awaitLeader(Duration.ofSeconds(30)));
      DiskFaults.assertServesExactly(client, victim, data);
    }
  }

  @Test
  void aDamagedLatestSnapshotIsMovedAsideAndTheOlderOneAndTheLogRebuildTheStore() throws Exception {
    try (MiniCluster cluster = start(false)) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client();
      Map<String, byte[]> data = write(client, 250);
      DiskFaults.awaitApplied(client, victim, data);
      cluster.crash(victim);
      List<Path> files = snapshots(cluster, victim);
      assertThat(files).hasSizeGreaterThan(1);
      Damage.flip(files.get(0), Files.size(files.get(0)) / 2, 4);

      cluster.start(victim);

      assertThat(files.get(0).resolveSibling(files.get(0).getFileName() + ".corrupt")).exists();
      client.put("dsn/after", DiskFaults.text(9999));
      data.put("dsn/after", DiskFaults.text(9999));
      DiskFaults.assertServesExactly(client, victim, data);
    }
  }

  @Test
  void withEverySnapshotDamagedTheWholeLogRebuildsTheStore() throws Exception {
    try (MiniCluster cluster = start(false)) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client();
      Map<String, byte[]> data = write(client, 250);
      DiskFaults.awaitApplied(client, victim, data);
      cluster.crash(victim);
      for (Path p : snapshots(cluster, victim)) {
        Damage.flip(p, Files.size(p) - 30, 2);
      }

      cluster.start(victim);

      assertThat(snapshots(cluster, victim)).isEmpty();
      DiskFaults.assertServesExactly(client, victim, data);
    }
  }

  @Test
  void aDamagedSnapshotBesideACleanStoreIsWrittenAgainFromTheStore() throws Exception {
    try (MiniCluster cluster = start(true)) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client();
      Map<String, byte[]> data = write(client, 150);
      DiskFaults.awaitApplied(client, victim, data);
      cluster.stop(victim);
      Path latest = snapshots(cluster, victim).get(0);
      Damage.flip(latest, Files.size(latest) / 2, 4);

      cluster.start(victim);

      SnapshotFiles.verify(latest);
      DiskFaults.assertServesExactly(client, victim, data);
    }
  }

  /**
   * A snapshot installed from the leader has an .md5, the node's own snapshots have none, and
   * Ratis takes the newest snapshot with an MD5 over newer ones without: a node restarted beside
   * such an older snapshot started applying after it, at entries its store already held, and
   * stopped (seen in a chaos run). The newest by index is the latest.
   */
  @Test
  void anOlderSnapshotWithAnMd5DoesNotHideTheNewestOne() throws Exception {
    try (MiniCluster cluster = start(false)) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client();
      Map<String, byte[]> data = write(client, 250);
      DiskFaults.awaitApplied(client, victim, data);
      cluster.stop(victim);
      List<Path> snapshots = snapshots(cluster, victim);
      assertThat(snapshots).as("snapshots of %s", victim).hasSizeGreaterThanOrEqualTo(2);
      org.apache.ratis.util.MD5FileUtil.computeAndSaveMd5ForFile(snapshots.get(1).toFile());

      cluster.start(victim);
      Map<String, byte[]> more = write(client, 40);
      data.putAll(more);
      DiskFaults.awaitApplied(client, victim, data);
      assertThat(cluster.runningIds()).contains(victim);
      DiskFaults.assertServesExactly(client, victim, data);
    }
  }
}
