package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CheckpointException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.ProgressListener;
import io.ckpt.client.PutOptions;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.RaftGroups;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Chunked uploads sent as Ratis DataStream streams (every node has a stream port): the bytes
 * reach every node's stream files, never the log; the segment reads back identically from every
 * node, also after a node is rebuilt by replaying the log; a node that cannot take streams makes
 * writes fall back to the log.
 */
class StreamUploadTest {
  /** 21 chunks of 256 KiB (and a short one): two streams of up to 16 chunks. */
  private static final int CHUNK = 256 << 10;
  private static final int SIZE = 21 * CHUNK + 12_345;

  private static CheckpointClient client(MiniCluster cluster) {
    return cluster.client(b -> b.chunkSize(CHUNK).maxInFlightBytes(8L << 20).streamBytes(16 * CHUNK));
  }

  @Test
  void streamedUploadReadsBackFromEveryNodeAndSurvivesAReplay() throws Exception {
    // No snapshot when a node stops: a crashed node replays the whole log, streamed entries included.
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true)
        .property("raft.server.snapshot.trigger-when-stop.enabled", "false").start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient c = client(cluster);
      byte[] v1 = WriteReadTest.bytes(SIZE, 1);
      byte[] v2 = WriteReadTest.bytes(SIZE - 999, 2);
      assertThat(c.put("stream/a", v1).version()).isEqualTo(1);
      assertThat(c.put("stream/a", v2).version()).isEqualTo(2);
      for (String id : cluster.runningIds()) {
        // Two streams per version, each kept as <index>.stream: the store keeps the chunks there.
        assertThat(streamFiles(cluster, id)).as("stream files of %s", id).hasSize(4)
            .allMatch(f -> f.getFileName().toString().endsWith(".stream"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(c.get("stream/a", ReadOptions.latest().stale().fromNode(id)).data()).isEqualTo(v2));
        assertThat(cluster.node(id).stateMachine().store().status().getVolumes())
            .as("no chunk of %s was copied into a volume", id).isZero();
      }
      String follower = cluster.runningIds().stream().filter(id -> !id.equals(cluster.leader().orElseThrow()))
          .findFirst().orElseThrow();
      cluster.crash(follower);
      cluster.start(follower);
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/a", ReadOptions.latest().stale().fromNode(follower)).data()).isEqualTo(v2));
      assertThat(c.get("stream/a", ReadOptions.latest().version(1)).data()).isEqualTo(v1);
    }
  }

  @Test
  void snapshotsPurgeFreedStreamFilesAndLinkTheRestForARebuild() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true)
        .property(CkptStoreConfigKeys.SNAPSHOT_BYTES_KEY, "4MB").start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient c = client(cluster);
      for (int i = 1; i <= 6; i++) {
        c.put("stream/purged", WriteReadTest.bytes(SIZE, i));
      }
      // 12 streams written; the store keeps 3 versions (6 streams); snapshots every 4 MB delete
      // the files of dropped versions once every kept snapshot covers them.
      for (String id : cluster.runningIds()) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(streamFiles(cluster, id)).as("stream files of %s", id).hasSizeLessThan(12));
      }
      // A crashed node rebuilds from its snapshot, which links the stream files it names back.
      String follower = cluster.runningIds().stream().filter(id -> !id.equals(cluster.leader().orElseThrow()))
          .findFirst().orElseThrow();
      cluster.crash(follower);
      cluster.start(follower);
      for (int v = 4; v <= 6; v++) {
        byte[] expected = WriteReadTest.bytes(SIZE, v);
        ReadOptions version = ReadOptions.latest().version(v).stale().fromNode(follower);
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
            assertThat(c.get("stream/purged", version).data()).isEqualTo(expected));
      }
    }
  }

  /**
   * A node that lost everything is sent the leader's snapshot, the stream files it links
   * included (the log before it was purged, so nothing else holds those bytes for it).
   */
  @Test
  void aNodeRebuiltFromTheLeadersSnapshotGetsItsStreamFiles() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true)
        .property("raft.server.snapshot.auto.trigger.threshold", "50")
        .property("raft.server.log.segment.size.max", "64KB")
        .property("raft.server.log.purge.upto.snapshot.index", "true")
        .property("raft.server.log.purge.gap", "1").start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      String victim = cluster.runningIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      CheckpointClient c = client(cluster);
      byte[] v = WriteReadTest.bytes(SIZE, 11);
      c.put("stream/installed", v);
      cluster.stop(victim);
      java.nio.file.Files.move(cluster.nodeDir(victim), cluster.dir().resolve(victim + "-lost"));
      for (int i = 0; i < 300; i++) { // 300 KB of log: several closed 64 KB segments to purge
        c.put("small/" + (i % 10), WriteReadTest.bytes(1000, i));
      }
      var log = cluster.node(leader).raftServer().getDivision(RaftGroups.GROUP_ID).getRaftLog();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log.getStartIndex() > 1);

      cluster.start(victim);
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/installed", ReadOptions.latest().stale().fromNode(victim)).data()).isEqualTo(v));
      assertThat(streamFiles(cluster, victim)).as("stream files of %s", victim).hasSize(2);
    }
  }

  /**
   * Packets are up to {@code Uploader.STREAM_PACKET_BYTES} (32 of these chunks) and never cross
   * a stream (48 chunks here): inputs that end exactly on a packet, on a stream, one byte past
   * two streams, and an input that trickles in 1,000 bytes per read.
   */
  @Test
  void packetAndStreamBoundariesFollowTheInput() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient c = cluster.client(b -> b.chunkSize(CHUNK).streamBytes(48 * CHUNK));
      Map<String, byte[]> written = new LinkedHashMap<>();
      written.put("edge/one-packet", WriteReadTest.bytes(32 * CHUNK, 1));
      written.put("edge/one-stream", WriteReadTest.bytes(48 * CHUNK, 2));
      written.put("edge/two-streams-and-a-byte", WriteReadTest.bytes(96 * CHUNK + 1, 3));
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        assertThat(c.put(e.getKey(), e.getValue()).size()).isEqualTo(e.getValue().length);
      }
      byte[] trickled = WriteReadTest.bytes(40 * CHUNK + 7, 4);
      InputStream slow = new FilterInputStream(new ByteArrayInputStream(trickled)) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return super.read(b, off, Math.min(len, 1000));
        }
      };
      c.put("edge/trickled", slow, PutOptions.defaults(), trickled.length, ProgressListener.NONE);
      written.put("edge/trickled", trickled);
      for (String id : cluster.runningIds()) {
        // 1 + 1 + 3 + 1 streams, each kept as <index>.stream.
        assertThat(streamFiles(cluster, id)).as("stream files of %s", id).hasSize(6);
        for (Map.Entry<String, byte[]> e : written.entrySet()) {
          Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
              assertThat(c.get(e.getKey(), ReadOptions.latest().stale().fromNode(id)).data()).isEqualTo(e.getValue()));
        }
      }
    }
  }

  /** An input that fails in the middle of a stream fails the put and publishes nothing. */
  @Test
  void aPutWhoseInputFailsMidStreamLeavesNothingBehind() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient c = client(cluster);
      byte[] data = WriteReadTest.bytes(SIZE, 5);
      InputStream failing = new FilterInputStream(new ByteArrayInputStream(data, 0, 5 * CHUNK)) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n < 0) {
            throw new IOException("disk of the caller went away");
          }
          return n;
        }
      };
      assertThatThrownBy(() -> c.put("stream/broken", failing, PutOptions.defaults(), SIZE, ProgressListener.NONE))
          .isInstanceOf(CheckpointException.class).hasMessageContaining("disk of the caller went away");
      assertThat(c.put("stream/broken", data).version()).as("nothing was published before").isEqualTo(1);
      for (String id : cluster.runningIds()) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(c.get("stream/broken", ReadOptions.latest().stale().fromNode(id)).data()).isEqualTo(data));
      }
    }
  }

  @Test
  void writesFallBackToTheLogWhenANodeTakesNoStreams() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      String follower = cluster.runningIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      cluster.stop(follower);
      CheckpointClient c = client(cluster);
      byte[] v = WriteReadTest.bytes(SIZE, 7);
      assertThat(c.put("stream/fallback", v).version()).isEqualTo(1);
      assertThat(c.get("stream/fallback").data()).isEqualTo(v);
      assertThat(streamFiles(cluster, leader)).as("no stream was linked").noneMatch(f -> f.toString().endsWith(".stream"));
      cluster.start(follower);
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/fallback", ReadOptions.latest().stale().fromNode(follower)).data()).isEqualTo(v));
    }
  }

  @Test
  void streamedChunksSentThroughTheLogAreRefused() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      // A forged entry naming stream bytes no node has: refused before the log, so no node
      // stops for want of them.
      LogEntry forged = LogEntry.newBuilder().setStreamedChunks(StreamedChunksEntry.newBuilder()
          .setUploadId("u1").setName("stream/forged").setChunkBytes(CHUNK).setSize(10).addChunkCrc32C(1)).build();
      ClientSettings settings = new ClientSettings(cluster.peers(), Duration.ofSeconds(20), CHUNK, 1 << 20, 1,
          Duration.ofSeconds(5), new ClientSettings.GroupCommitSettings(0, 0, 1), 0);
      try (RaftTransport t = new RaftTransport(settings)) {
        assertThatThrownBy(() -> t.await(t.write(t.lane(), forged).thenApply(WriteReply::getStatus), t.deadline(), "forged"))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("only be written as a stream");
      }
      CheckpointClient c = client(cluster);
      c.put("stream/after", WriteReadTest.bytes(SIZE, 3));
      assertThat(cluster.runningIds()).hasSize(3);
      for (String id : cluster.runningIds()) {
        assertThat(cluster.node(id).stateMachine().store().appliedRevision()).isPositive();
      }
    }
  }

  private static List<Path> streamFiles(MiniCluster cluster, String id) throws IOException {
    return cluster.node(id).stateMachine().streams().files();
  }
}
