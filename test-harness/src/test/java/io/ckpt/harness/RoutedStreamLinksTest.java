package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.internal.RaftGroups;
import io.ckpt.client.PutOptions;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.UnavailableException;
import io.ckpt.harness.net.LinkTable;
import io.ckpt.statemachine.stream.StreamFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With stream ports and routed peer links (as {@code ckpt chaos --streams} runs), the nodes pass
 * stream packets to each other through the fault proxies too: a partition cuts a node's streams
 * as well as its Raft traffic, and chunked writes and linearizable reads carry on without it.
 */
class RoutedStreamLinksTest {
  private static final int SIZE = 3 << 20; // three 1 MiB chunks: a chunked write, so a stream
  @TempDir Path tmp;

  @Test
  void streamsCrossTheLinkProxiesAndACutOffNodeStopsNeitherChunkedWritesNorReads() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.builder().nodes(3).jvmArgs("-Xmx256m").streams(true)
            .routedPeerLinks().deferStart().start();
        LinkTable links = cluster.startLinks(7);
        CheckpointClient client = client(cluster)) {
      List<String> ids = cluster.peers().stream().map(p -> p.id()).toList();
      for (String from : ids) {
        for (String to : ids) {
          if (!from.equals(to)) {
            assertThat(links.proxies(from, to)).as("%s->%s: a Raft and a stream port", from, to).hasSize(2);
          }
        }
      }
      cluster.startAll();
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> ProcessCluster.leader(client).isPresent());

      byte[] first = WriteReadTest.bytes(SIZE, 1);
      client.put("routed/first", first);
      // The primary passed every packet on to the two other nodes, through their stream links.
      assertThat(links.bytesToPort(1)).as("bytes through the stream links").isGreaterThanOrEqualTo(2L * SIZE);
      for (String id : ids) {
        assertThat(streamFiles(cluster, id)).as("stream files of %s", id).isNotEmpty();
      }

      // Cut off the node a new client's reads try first (Ratis's first guess of the leader), and
      // wait until it knows no leader (a candidate) while the others have one.
      String cutOff = firstGuess(cluster);
      links.isolate(cutOff);
      Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() ->
          ProcessCluster.leader(client).filter(l -> !l.equals(cutOff)).isPresent() && client.status().stream()
              .anyMatch(n -> n.id().equals(cutOff) && n.role().equals("candidate")));
      // A linearizable read it refuses for want of a leader moves on to the next node.
      try (CheckpointClient reader = client(cluster)) {
        assertThat(reader.get("routed/first").data()).isEqualTo(first);
      }
      // Its stream times out on the cut-off node; the bytes are in an array: the put starts over
      // through the log.
      byte[] second = WriteReadTest.bytes(SIZE, 2);
      assertThat(client.put("routed/second", second).version()).isEqualTo(1);
      assertThat(client.get("routed/second").data()).isEqualTo(second);
      // From a stream that cannot be read again: unavailable, and nothing published; the retry
      // goes through the log.
      byte[] third = WriteReadTest.bytes(SIZE, 3);
      try (CheckpointClient fresh = client(cluster)) {
        assertThatThrownBy(() -> fresh.put("routed/third", new ByteArrayInputStream(third), PutOptions.defaults(), -1,
            null)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> fresh.get("routed/third")).isInstanceOf(SegmentNotFoundException.class);
        assertThat(fresh.put("routed/third", new ByteArrayInputStream(third), PutOptions.defaults(), -1, null)
            .version()).isEqualTo(1);
      }
      // From a file: read again from its start.
      byte[] fourth = WriteReadTest.bytes(SIZE, 4);
      Path file = Files.write(tmp.resolve("fourth.bin"), fourth);
      try (CheckpointClient fresh = client(cluster)) {
        assertThat(fresh.put("routed/fourth", file, PutOptions.defaults(), null).version()).isEqualTo(1);
        assertThat(fresh.get("routed/fourth").data()).isEqualTo(fourth);
      }

      links.heal();
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(
          client.get("routed/fourth", ReadOptions.latest().stale().fromNode(cutOff)).data()).isEqualTo(fourth));
      for (Map.Entry<String, byte[]> e : Map.of("routed/first", first, "routed/second", second, "routed/third", third)
          .entrySet()) {
        assertThat(client.get(e.getKey(), ReadOptions.latest().stale().fromNode(cutOff)).data()).as(e.getKey())
            .isEqualTo(e.getValue());
      }
    }
  }

  /** The node a new Ratis client of the cluster sends its first request to: its first guess of the leader. */
  private static String firstGuess(ProcessCluster cluster) throws IOException {
    try (RaftClient c = RaftClient.newBuilder().setRaftGroup(RaftGroups.group(cluster.peers()))
        .setProperties(new RaftProperties()).build()) {
      return c.getLeaderId().toString();
    }
  }

  /** A short RPC timeout: a stream packet held by a blocked link fails after seconds, not tens. */
  private static CheckpointClient client(ProcessCluster cluster) {
    return CheckpointClient.builder().peers(cluster.peers()).timeout(Duration.ofSeconds(30))
        .rpcTimeout(Duration.ofSeconds(2)).build();
  }

  private static List<Path> streamFiles(ProcessCluster cluster, String id) throws IOException {
    Path dir = cluster.nodeDir(id).resolve(StreamFiles.DIR_NAME);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".stream")).toList();
    }
  }
}
