package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.WriteResult;
import io.ckpt.client.util.Crc32c;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Writes through the Raft log of a 3-node group and reads from every node. */
class WriteReadTest {
  static MiniCluster cluster;
  static CheckpointClient client;

  @BeforeAll
  static void start() {
    cluster = MiniCluster.start(3);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client(b -> b.chunkSize(64 << 10));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void putReturnsTheCommittedVersionAndEveryNodeServesIt() {
    byte[] data = bytes(1000, 1);
    WriteResult w = client.put("rw/basic", data);
    assertThat(w.name()).isEqualTo("rw/basic");
    assertThat(w.version()).isEqualTo(1);
    assertThat(w.revision()).isPositive();
    assertThat(w.size()).isEqualTo(1000);
    assertThat(w.crc32c()).isEqualTo(Crc32c.of(data));

    for (String node : List.of("n1", "n2", "n3")) {
      Segment s = client.get("rw/basic", ReadOptions.latest().fromNode(node));
      assertThat(s.data()).as("linearizable read from %s", node).isEqualTo(data);
      assertThat(s.info().version()).isEqualTo(1);
      assertThat(s.info().revision()).isEqualTo(w.revision());
      assertThat(s.info().node()).isEqualTo(node);
    }
  }

  @Test
  void multiChunkSegmentRoundTripsAndOldVersionsStayReadable() {
    byte[] v1 = bytes(300_000, 2);
    byte[] v2 = bytes(500_001, 3);
    client.put("rw/chunked", v1);
    WriteResult w2 = client.put("rw/chunked", v2);
    assertThat(w2.version()).isEqualTo(2);
    assertThat(client.get("rw/chunked").data()).isEqualTo(v2);
    assertThat(client.get("rw/chunked", ReadOptions.latest().version(1)).data()).isEqualTo(v1);
    for (String node : List.of("n1", "n2", "n3")) {
      assertThat(client.get("rw/chunked", ReadOptions.latest().fromNode(node)).data()).isEqualTo(v2);
    }
  }

  @Test
  void staleReadReportsTheRevisionItReflects() {
    WriteResult w = client.put("rw/stale", bytes(10, 4));
    for (String node : List.of("n1", "n2", "n3")) {
      SegmentInfo info = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
          () -> {
            try {
              return client.info("rw/stale", ReadOptions.latest().stale().fromNode(node));
            } catch (SegmentNotFoundException e) {
              return null;
            }
          }, i -> i != null && i.revision() == w.revision());
      assertThat(info.version()).isEqualTo(1);
    }
  }

  @Test
  void emptySegmentIsAValidVersion() {
    WriteResult w = client.put("rw/empty", new byte[0]);
    assertThat(w.size()).isZero();
    assertThat(client.get("rw/empty").data()).isEmpty();
  }

  @Test
  void retentionKeepsTheLastThreeVersions() {
    for (int i = 1; i <= 5; i++) {
      client.put("rw/retained", bytes(100, i));
    }
    assertThat(client.get("rw/retained").info().version()).isEqualTo(5);
    assertThat(client.get("rw/retained", ReadOptions.latest().version(3)).data()).isEqualTo(bytes(100, 3));
    assertThatThrownBy(() -> client.get("rw/retained", ReadOptions.latest().version(2)))
        .isInstanceOf(SegmentNotFoundException.class).hasMessageContaining("no longer retained");
  }

  @Test
  void listAndDelete() {
    client.put("ls/a", bytes(1, 1));
    client.put("ls/b", bytes(2, 2));
    client.put("ls/b", bytes(3, 3));
    client.put("lsx", bytes(1, 1));
    List<SegmentInfo> listed = client.list("ls/");
    assertThat(listed).extracting(SegmentInfo::name).containsExactly("ls/a", "ls/b");
    assertThat(listed.get(1).version()).isEqualTo(2);

    client.delete("ls/a");
    assertThat(client.list("ls/")).extracting(SegmentInfo::name).containsExactly("ls/b");
    assertThatThrownBy(() -> client.get("ls/a")).isInstanceOf(SegmentNotFoundException.class);
    assertThatThrownBy(() -> client.delete("ls/a")).isInstanceOf(SegmentNotFoundException.class);
  }

  @Test
  void missingSegmentAndVersionAreNotFound() {
    assertThatThrownBy(() -> client.get("rw/never-written")).isInstanceOf(SegmentNotFoundException.class)
        .hasMessageContaining("does not exist");
    client.put("rw/one-version", bytes(5, 5));
    assertThatThrownBy(() -> client.get("rw/one-version", ReadOptions.latest().version(7)))
        .isInstanceOf(SegmentNotFoundException.class).hasMessageContaining("does not exist yet");
  }
}
