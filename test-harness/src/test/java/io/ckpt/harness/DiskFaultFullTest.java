package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.NodeStatus;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.ReadOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/**
 * Full filesystems: three {@code ckpt server} processes, each with its data directory on a
 * small tmpfs of its own (a private mount namespace; needs root, else the tests are skipped).
 *
 * <p>Before the fix: with every node's disk full, a 1 MiB write still entered the log (its
 * segment had preallocated room); every replica then failed to allocate a chunk volume while
 * applying it and fail-stopped, so clients timed out, all nodes stayed up but answered nothing,
 * and nothing came back after space returned. With one follower full, that follower
 * fail-stopped the same way and never recovered.
 */
class DiskFaultFullTest {
  static final List<String> NODES = List.of("n1", "n2", "n3");
  static final Map<String, String> PROPERTIES = Map.of(
      "ckpt.store.volume.size", "4MB",
      "ckpt.store.quota", "32MB",
      "ckpt.store.disk.reserve", "8MB",
      // Small log preallocation, so the log takes disk a little at a time, like the store.
      "raft.server.log.preallocated.size", "128KB");

  @BeforeAll
  static void needsTmpfs() {
    Assumptions.assumeTrue(TmpfsCluster.available(), "needs root, unshare, nsenter and tmpfs");
  }

  static CheckpointClient client(TmpfsCluster cluster) {
    CheckpointClient client = CheckpointClient.builder().peers(cluster.peersSpec()).timeout(Duration.ofSeconds(30)).build();
    Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(
        () -> client.status().stream().anyMatch(s -> s.role().equals("leader")));
    return client;
  }

  static void assertEveryNodeServesExactly(CheckpointClient client, Map<String, byte[]> data) {
    for (String node : NODES) {
      for (var e : data.entrySet()) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
            assertThat(client.get(e.getKey(), ReadOptions.latest().fromNode(node)).data())
                .as("%s from %s", e.getKey(), node).isEqualTo(e.getValue()));
      }
    }
  }

  /** Runs {@code body}; on failure adds the nodes' logs to the error. */
  static void withLogs(TmpfsCluster cluster, ThrowingRunnable body) throws Exception {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      StringBuilder logs = new StringBuilder();
      for (String node : NODES) {
        logs.append("\n==== ").append(node).append(":\n").append(cluster.log(node));
      }
      e.addSuppressed(new AssertionError("node logs:" + logs));
      throw e;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void withEveryDiskFullWritesAreRefusedWithAClearErrorAndSucceedOnceSpaceReturns() throws Exception {
    try (TmpfsCluster cluster = TmpfsCluster.start(3, "96m", PROPERTIES)) {
      withLogs(cluster, () -> everyDiskFull(cluster));
    }
  }

  private void everyDiskFull(TmpfsCluster cluster) throws Exception {
    try (CheckpointClient client = client(cluster)) {
      Map<String, byte[]> data = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        data.put("full/seg" + i, WriteReadTest.bytes(1 << 20, i));
        client.put("full/seg" + i, data.get("full/seg" + i));
      }
      // Every node applied them (its chunk volume exists) before its disk is filled: a node still
      // creating its volume file while the filler is allocated would make the filler fail instead.
      assertEveryNodeServesExactly(client, data);
      for (String node : NODES) {
        cluster.fill(node, 256 << 10);
      }

      for (byte[] attempt : List.of(WriteReadTest.bytes(1 << 20, 50), new byte[] {1, 2, 3})) {
        assertThatThrownBy(() -> client.put("full/refused", attempt))
            .isInstanceOf(QuotaExceededException.class)
            .hasMessageContaining("low on disk space")
            .hasMessageContaining("free some space");
      }
      assertThat(client.status()).allMatch(NodeStatus::reachable);
      for (String node : NODES) {
        assertThat(cluster.isAlive(node)).as("%s alive; log:%n%s", node, cluster.log(node)).isTrue();
      }

      for (String node : NODES) {
        cluster.free(node);
      }
      byte[] after = WriteReadTest.bytes(1 << 20, 60);
      client.put("full/after", after);
      data.put("full/after", after);
      assertEveryNodeServesExactly(client, data);
      for (String node : NODES) {
        assertThat(cluster.log(node)).as("log of %s", node).doesNotContain("stopping this node");
      }
    }
  }

  @Test
  void aFollowerWithAFullDiskWaitsToApplyAndCatchesUpOnceSpaceReturns() throws Exception {
    try (TmpfsCluster cluster = TmpfsCluster.start(3, "96m", PROPERTIES)) {
      withLogs(cluster, () -> followerFull(cluster));
    }
  }

  private void followerFull(TmpfsCluster cluster) throws Exception {
    try (CheckpointClient client = client(cluster)) {
      String leader = ProcessCluster.leader(client).orElseThrow();
      String follower = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
      Map<String, byte[]> data = new LinkedHashMap<>();
      client.put("full/first", WriteReadTest.bytes(1000, 1));
      data.put("full/first", WriteReadTest.bytes(1000, 1));
      // Two thirds of the follower's first volume (3 MB usable of 4 MB) is charged before its disk
      // fills, so the writes after the fill need a new volume long before the follower's log has
      // used the room left for it. Five segments, three versions retained: nothing is freed yet.
      for (int i = 0; i < 8; i++) {
        byte[] b = WriteReadTest.bytes(256 << 10, 100 + i);
        client.put("full/more" + (i % 5), b);
        data.put("full/more" + (i % 5), b);
      }
      // The follower applied them (its volume file exists) before the filler takes the space.
      assertEveryNodeServesExactly(client, data);
      // Room for the log, not for another 4 MB chunk volume.
      cluster.fill(follower, 3584L << 10);

      // The group keeps accepting writes (a majority has room) until the follower needs a new volume.
      for (int i = 8; i < 40 && !cluster.log(follower).contains("cannot apply log entry"); i++) {
        byte[] b = WriteReadTest.bytes(256 << 10, 100 + i);
        client.put("full/more" + (i % 5), b);
        data.put("full/more" + (i % 5), b);
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> cluster.log(follower).contains("cannot apply log entry"));
      assertThat(cluster.log(follower)).contains("the disk is full").contains("waiting for space");
      assertThat(cluster.isAlive(follower)).isTrue();

      cluster.free(follower);

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> cluster.log(follower).contains("after waiting"));
      assertThat(cluster.isAlive(follower)).isTrue();
      assertEveryNodeServesExactly(client, data);
    }
  }
}
