package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import io.ckpt.statemachine.DamagedStorageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;

/** Shared set-up of the disk fault tests: small stores, recognizable data, exact read checks. */
final class DiskFaults {
  private DiskFaults() {}

  /** A 3-node cluster with small volumes (4 MB files instead of 69 MB) and any extra properties. */
  static MiniCluster.Builder cluster() {
    return MiniCluster.builder().nodes(3)
        .property(CkptStoreConfigKeys.VOLUME_SIZE_KEY, "4MB")
        .property(CkptStoreConfigKeys.QUOTA_KEY, "8MB");
  }

  /** The text of small segment {@code i}: easy to find in a file. */
  static byte[] text(int i) {
    return ("PAYLOAD-" + i + "-").repeat(50).getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes ten small segments and a multi-chunk one; returns name to latest bytes. */
  static Map<String, byte[]> writeSample(CheckpointClient client, String prefix) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      data.put(prefix + "/seg" + i, text(i));
      client.put(prefix + "/seg" + i, text(i));
    }
    byte[] big = WriteReadTest.bytes(100_000, 7);
    client.put(prefix + "/big", big);
    data.put(prefix + "/big", big);
    return data;
  }

  /** A node other than the current leader. */
  static String follower(MiniCluster cluster) {
    String leader = cluster.awaitLeader(Duration.ofSeconds(30));
    return cluster.runningIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  /** Waits until {@code node} has applied every segment of {@code data} (stale reads from it). */
  static void awaitApplied(CheckpointClient client, String node, Map<String, byte[]> data) {
    for (var e : data.entrySet()) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
          () -> java.util.Arrays.equals(client.get(e.getKey(), ReadOptions.latest().stale().fromNode(node)).data(),
              e.getValue()));
    }
  }

  /** Every segment read from {@code node}, linearizable and stale, has exactly the written bytes. */
  static void assertServesExactly(CheckpointClient client, String node, Map<String, byte[]> data) {
    awaitApplied(client, node, data);
    for (var e : data.entrySet()) {
      // A node that just caught up (or whose leader just changed) may time out a ReadIndex
      // round or two: retry until it answers, then it must answer exactly.
      Segment s = Awaitility.await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
          .until(() -> client.get(e.getKey(), ReadOptions.latest().fromNode(node)), x -> true);
      assertThat(s.data()).as("%s from %s", e.getKey(), node).isEqualTo(e.getValue());
      assertThat(s.info().node()).isEqualTo(node);
    }
  }

  /** The DamagedStorageException behind a failed start, if that is why it failed. */
  static Optional<DamagedStorageException> damage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DamagedStorageException d) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
