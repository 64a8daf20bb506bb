package io.ckpt.harness.bench.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.internal.RaftGroups;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acknowledging state machine is snapshotted where ckpt's is (by entries and by bytes), the
 * log is purged behind its snapshots, and a node that fell behind the purged log catches up by
 * installing the leader's snapshot.
 */
class AckSnapshotTest {
  private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");
  @TempDir Path dir;

  @Test
  void aNodeBehindThePurgedLogCatchesUpFromTheLeadersSnapshot() throws Exception {
    // Small segments, so the log rolls over and closed segments can be purged.
    Map<String, String> small = Map.of("raft.server.snapshot.auto.trigger.threshold", "100",
        "raft.server.log.segment.size.max", "32KB");
    try (RatisTarget target = RatisTarget.start(Layout.IN_JVM, dir, small, List.of())) {
      InJvmAckCluster cluster = (InJvmAckCluster) target.cluster();
      String behind = "n3";
      cluster.stop(behind);
      for (int i = 0; i < 400; i++) {
        target.write("k" + i, new byte[1024]);
      }
      long last = target.lastAcknowledgedIndex();
      for (String node : List.of("n1", "n2")) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          assertThat(snapshotIndexes(node)).as("snapshots of %s", node).isNotEmpty();
          assertThat(firstLogIndex(node).orElse(0)).as("first log index of %s", node).isGreaterThan(100);
        });
      }

      cluster.start(behind);
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(
          () -> assertThat(cluster.node(behind).appliedIndex()).isGreaterThanOrEqualTo(last));
      assertThat(snapshotIndexes(behind)).as("the installed snapshot").isNotEmpty();
    }
  }

  @Test
  void appliedBytesTriggerASnapshotAsInCkpt() throws Exception {
    Map<String, String> bytes = Map.of("ckpt.store.snapshot.trigger.bytes", "64KB");
    try (RatisTarget target = RatisTarget.start(Layout.IN_JVM, dir, bytes, List.of())) {
      for (int i = 0; i < 20; i++) {
        target.write("k", new byte[8 << 10]);
      }
      for (String node : target.nodeIds()) {
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(snapshotIndexes(node)).as("snapshots of %s", node).isNotEmpty());
      }
    }
  }

  private Path groupDir(String node) {
    return dir.resolve(node).resolve("raft").resolve(RaftGroups.GROUP_ID.getUuid().toString());
  }

  private List<Long> snapshotIndexes(String node) throws IOException {
    try (Stream<Path> files = Files.list(groupDir(node).resolve("sm"))) {
      return files.map(f -> SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(f.getFileName().toString()))
          .filter(Matcher::matches).map(m -> Long.parseLong(m.group(2))).toList();
    }
  }

  private OptionalLong firstLogIndex(String node) throws IOException {
    try (Stream<Path> files = Files.list(groupDir(node).resolve("current"))) {
      return files.map(f -> SEGMENT.matcher(f.getFileName().toString())).filter(Matcher::matches)
          .mapToLong(m -> Long.parseLong(m.group(1))).min();
    }
  }
}
