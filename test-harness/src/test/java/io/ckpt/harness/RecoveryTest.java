package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentInfo;
import io.ckpt.server.node.CkptServerConfigKeys;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Snapshots, restarts and catching up. */
class RecoveryTest {
  static byte[] payload(int i) {
    return ("value-" + i).repeat(1 + i % 7).getBytes();
  }

  @Test
  void restartingEveryNodeKeepsEveryCommittedVersion() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client(b -> b.chunkSize(16 << 10));
      Map<String, SegmentInfo> written = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        byte[] data = i % 10 == 0 ? WriteReadTest.bytes(100_000, i) : payload(i);
        var w = client.put("rs/seg" + (i % 6), data);
        written.put(w.name(), client.info(w.name()));
      }
      for (String id : cluster.runningIds()) {
        // The open segment is filled ahead 64 KB at a time (CkptServerConfigKeys.LOG_PREALLOCATED_SIZE),
        // not Ratis's 4 MB, and the restarts below read it back from its filled tail.
        long open = sizeOf(cluster.nodeDir(id).resolve("raft"), "log_inprogress_");
        assertThat(open).as("%s's open log segment", id).isPositive().isLessThan(1 << 20);
      }
      cluster.stop("n1");
      cluster.crash("n2");
      cluster.stop("n3");
      cluster.start("n1");
      cluster.start("n2");
      cluster.start("n3");
      cluster.awaitLeader(Duration.ofSeconds(30));
      for (SegmentInfo before : written.values()) {
        for (String node : cluster.runningIds()) {
          SegmentInfo after = client.info(before.name(), ReadOptions.latest().fromNode(node));
          assertThat(after.version()).isEqualTo(before.version());
          assertThat(after.crc32c()).isEqualTo(before.crc32c());
          assertThat(client.get(before.name(), ReadOptions.latest().fromNode(node)).info().revision())
              .isEqualTo(before.revision());
        }
      }
    }
  }

  @Test
  void snapshotsKeepTheLogBoundedUnderSteadyWrites() throws Exception {
    // Purge gap 4 (of 256 KiB chunks): after the last snapshot a node keeps at most the 4 MB the
    // byte trigger allows, the gap and its open segment; without purging it would hold all 48 MB.
    try (MiniCluster cluster = MiniCluster.builder().nodes(3)
        .property(CkptStoreConfigKeys.SNAPSHOT_BYTES_KEY, "4MB")
        .property("raft.server.log.segment.size.max", "1MB")
        .property("raft.server.log.purge.gap", "4")
        .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client(b -> b.chunkSize(256 << 10));
      byte[] mb = WriteReadTest.bytes(1 << 20, 5);
      int puts = 48;
      for (int i = 0; i < puts; i++) {
        client.put("bounded/seg" + (i % 2), mb);
      }
      long written = (long) puts * mb.length;
      for (String id : cluster.runningIds()) {
        java.nio.file.Path raft = cluster.nodeDir(id).resolve("raft");
        // The log's segments only: the snapshots beside it hold the store, which is bounded by
        // retention, not by purging.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sizeOf(raft, "log_") < written / 3);
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> count(raft, "snapshot.") <= 2 * CkptServerConfigKeys.SNAPSHOT_FILES_RETAINED);
      }
    }
  }

  /** Bytes in the regular files under {@code dir} whose names start with {@code prefix}. */
  static long sizeOf(java.nio.file.Path dir, String prefix) throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(prefix))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static long count(java.nio.file.Path dir, String prefix) throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(prefix))
          .count();
    }
  }

  @Test
  void followerDownForAThousandWritesCatchesUpBySnapshotAfterTheLogWasPurged() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3)
        .property("raft.server.snapshot.auto.trigger.threshold", "200")
        .property(CkptStoreConfigKeys.SNAPSHOT_BYTES_KEY, "1MB")
        .property("raft.server.log.segment.size.max", "64KB")
        .start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      String lagging = cluster.runningIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      CheckpointClient client = cluster.client();
      client.put("lag/seg0", payload(0));
      cluster.crash(lagging);
      SegmentInfo last = null;
      for (int i = 1; i <= 1000; i++) {
        client.put("lag/seg" + (i % 20), payload(i));
      }
      last = client.info("lag/seg0");
      var leaderLog = cluster.node(leader).raftServer().getDivision(io.ckpt.client.internal.RaftGroups.GROUP_ID).getRaftLog();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> leaderLog.getStartIndex() > 1);

      cluster.start(lagging);
      SegmentInfo expected = last;
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
        try {
          return client.info("lag/seg0", ReadOptions.latest().stale().fromNode(lagging)).version() == expected.version();
        } catch (RuntimeException e) {
          return false;
        }
      });
      for (int s = 0; s < 20; s++) {
        String name = "lag/seg" + s;
        SegmentInfo l = client.info(name);
        var onLagging = client.get(name, ReadOptions.latest().fromNode(lagging));
        assertThat(onLagging.info().version()).isEqualTo(l.version());
        assertThat(onLagging.info().crc32c()).isEqualTo(l.crc32c());
      }
    }
  }


}
