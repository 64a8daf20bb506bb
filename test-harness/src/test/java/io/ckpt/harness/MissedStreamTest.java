package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.RaftGroups;
import io.ckpt.client.internal.RaftMessages;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.stream.StreamFiles;
import io.ckpt.statemachine.stream.StreamRepair;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.io.StandardWriteOption;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RoutingTable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node whose log has a streamed-chunks entry but not the stream's bytes (the stream never
 * reached it, or its copy was lost or damaged) fetches them from the other nodes when it
 * applies the entry, and carries on as if it had received them (reliability.md finding 11).
 */
class MissedStreamTest {
  private static final int CHUNK = 256 << 10;
  private static final int SIZE = 3 * CHUNK + 100;

  /** A client's streams go from the leader to every node; this one skips a follower. */
  @Test
  void aFollowerTheStreamNeverReachedFetchesItsBytesFromThePeers() throws Exception {
    ListAppender<ILoggingEvent> repairs = new ListAppender<>();
    Logger repairLog = (Logger) LoggerFactory.getLogger(StreamRepair.class);
    repairs.start();
    repairLog.addAppender(repairs);
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      List<String> followers = cluster.runningIds().stream().filter(id -> !id.equals(leader)).toList();
      String skipped = followers.get(0);
      byte[] data = WriteReadTest.bytes(SIZE, 21);
      streamedPut(cluster, leader, followers.get(1), "stream/missed", data);

      CheckpointClient c = cluster.client();
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/missed", ReadOptions.latest().stale().fromNode(skipped)).data()).isEqualTo(data));
      // It had to fetch them: the stream did not reach it.
      assertThat(repairs.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.startsWith(skipped + ": fetched the " + SIZE + " bytes of log entry"));
      assertThat(cluster.runningIds()).as("no node stopped").hasSize(3);
      assertThat(streamFileNames(cluster, skipped)).as("stream files of %s", skipped)
          .singleElement().satisfies(n -> assertThat(n).endsWith(".stream"));
      // It keeps applying: a write after it reaches that node too.
      c.put("after", new byte[] {1, 2, 3});
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("after", ReadOptions.latest().stale().fromNode(skipped)).data()).containsExactly(1, 2, 3));
    } finally {
      repairLog.detachAppender(repairs);
    }
  }

  /**
   * A node replaying its log after a crash finds one stream file gone and another damaged: it
   * fetches both and serves the same bytes as the others.
   */
  @Test
  void aNodeReplayingItsLogFetchesStreamFilesItLostOrThatAreDamaged() throws Exception {
    // No snapshot when a node stops: the crashed node replays the whole log, streamed entries included.
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true)
        .property("raft.server.snapshot.trigger-when-stop.enabled", "false").start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient c = cluster.client(b -> b.chunkSize(CHUNK).streamBytes(2 * CHUNK));
      byte[] v1 = WriteReadTest.bytes(SIZE, 1);
      byte[] v2 = WriteReadTest.bytes(SIZE, 2);
      c.put("stream/lost", v1);
      c.put("stream/lost", v2);
      String follower = cluster.runningIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(c.get("stream/lost", ReadOptions.latest().stale().fromNode(follower)).info().version()).isEqualTo(2));
      cluster.crash(follower);
      Path streams = cluster.nodeDir(follower).resolve(StreamFiles.DIR_NAME);
      List<Path> files;
      try (var list = Files.list(streams)) {
        files = list.sorted().toList();
      }
      assertThat(files).as("two streams per version").hasSize(4);
      Files.delete(files.get(0));
      byte[] damaged = Files.readAllBytes(files.get(3));
      damaged[damaged.length / 2] ^= 1;
      Files.write(files.get(3), damaged);

      cluster.start(follower);
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/lost", ReadOptions.latest().stale().fromNode(follower)).data()).isEqualTo(v2));
      assertThat(c.get("stream/lost", ReadOptions.latest().version(1).stale().fromNode(follower)).data()).isEqualTo(v1);
      assertThat(streamFileNames(cluster, follower)).hasSize(4).allMatch(n -> n.endsWith(".stream"));
      assertThat(Files.readAllBytes(files.get(3))).isEqualTo(Files.readAllBytes(
          cluster.nodeDir(leader).resolve(StreamFiles.DIR_NAME).resolve(files.get(3).getFileName())));
    }
  }

  /**
   * When no other node has the bytes (here: moved away on both), the node waits at the entry:
   * it applies nothing after it, does not stop by itself, and stops promptly when closed; once a
   * node has them again it fetches them and carries on.
   */
  @Test
  void withNoPeerHoldingTheBytesTheNodeWaitsAtTheEntryAndCarriesOnOnceOneDoes() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3).streams(true).start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      List<String> followers = cluster.runningIds().stream().filter(id -> !id.equals(leader)).toList();
      String waiting = followers.get(0);
      String other = followers.get(1);
      cluster.stop(waiting);
      byte[] data = WriteReadTest.bytes(SIZE, 22);
      streamedPut(cluster, leader, other, "stream/nowhere", data);
      Path saved = Files.createDirectories(cluster.dir().resolve("saved"));
      String file = streamFileNames(cluster, other).get(0);
      long index = StreamFiles.linkedIndex(file);
      for (String id : List.of(leader, other)) {
        Files.move(cluster.nodeDir(id).resolve(StreamFiles.DIR_NAME).resolve(file), saved.resolve(id + "-" + file));
      }

      var node = cluster.start(waiting);
      var log = node.raftServer().getDivision(RaftGroups.GROUP_ID).getRaftLog();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> log.getLastCommittedIndex() > index);
      Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
          node.stateMachine().store().appliedRevision() == index - 1 && !node.stoppedByItself().isDone());
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> cluster.stop(waiting));
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(stopping::isDone);
      stopping.get();

      Files.move(saved.resolve(other + "-" + file), cluster.nodeDir(other).resolve(StreamFiles.DIR_NAME).resolve(file));
      cluster.start(waiting);
      CheckpointClient c = cluster.client();
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(c.get("stream/nowhere", ReadOptions.latest().stale().fromNode(waiting)).data()).isEqualTo(data));
    }
  }

  /**
   * Puts {@code data} as one streamed run (a new upload, then its commit), the stream sent to
   * {@code leader} and from there to {@code reached} alone: every other node gets the log entry
   * without the bytes.
   */
  private static void streamedPut(MiniCluster cluster, String leader, String reached, String name, byte[] data)
      throws Exception {
    RaftGroup group = RaftGroups.group(cluster.peers());
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.DataStream.setType(p, SupportedDataStreamType.NETTY);
    String upload = "upload-" + name;
    LogEntry header = LogEntry.newBuilder().setStreamedChunks(StreamedChunksEntry.newBuilder()
        .setUploadId(upload).setName(name).setFirstIndex(0).setChunkBytes(CHUNK)).build();
    RoutingTable route = RoutingTable.newBuilder()
        .addSuccessor(RaftPeerId.valueOf(leader), RaftPeerId.valueOf(reached)).build();
    try (RaftClient streamer = RaftClient.newBuilder().setRaftGroup(group).setProperties(p)
        .setLeaderId(RaftPeerId.valueOf(leader)).setPrimaryDataStreamServer(group.getPeer(RaftPeerId.valueOf(leader)))
        .build()) {
      DataStreamOutput out = streamer.getDataStreamApi().stream(ByteBuffer.wrap(header.toByteArray()), route);
      out.writeAsync(ByteBuffer.wrap(data), StandardWriteOption.SYNC, StandardWriteOption.CLOSE).get(30, TimeUnit.SECONDS);
      RaftClientReply reply = out.getRaftClientReplyFuture().get(30, TimeUnit.SECONDS);
      assertThat(RaftMessages.parse(reply.getMessage().getContent(), WriteReply.parser()).getStatus())
          .isEqualTo(Status.OK);
    }
    LogEntry commit = LogEntry.newBuilder().setCommit(CommitEntry.newBuilder().setUploadId(upload).setName(name)
        .setChunkCount((data.length + CHUNK - 1) / CHUNK).setSize(data.length).setCrc32C(Crc32c.of(data))).build();
    ClientSettings settings = new ClientSettings(cluster.peers(), Duration.ofSeconds(20), CHUNK, 1 << 20, 1,
        Duration.ofSeconds(5), new ClientSettings.GroupCommitSettings(0, 0, 1), 0);
    try (RaftTransport t = new RaftTransport(settings)) {
      WriteReply committed = t.await(t.write(t.lane(), commit), t.deadline(), "commit");
      assertThat(committed.getStatus()).as(committed.getMessage()).isEqualTo(Status.OK);
    }
  }

  private static List<String> streamFileNames(MiniCluster cluster, String id) throws Exception {
    return cluster.node(id).stateMachine().streams().files().stream().map(f -> f.getFileName().toString()).toList();
  }
}
