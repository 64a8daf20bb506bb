package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ckpt.client.CheckpointClient;
import io.ckpt.client.Segment;
import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.ChunkEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.server.node.CkptServerConfigKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.server.RaftServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunked uploads: atomic publication, collection of abandoned uploads, no starved heartbeats. */
class UploadTest {
  static MiniCluster cluster;

  @BeforeAll
  static void start() {
    cluster = MiniCluster.builder().nodes(3).start();
    cluster.awaitLeader(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void readersNeverSeeAPartiallyWrittenVersion() throws Exception {
    CheckpointClient writer = cluster.client(b -> b.chunkSize(64 << 10));
    CheckpointClient reader = cluster.client();
    Map<Long, byte[]> committed = new ConcurrentHashMap<>();
    committed.put(1L, WriteReadTest.bytes(2 << 20, 1));
    writer.put("up/atomic", committed.get(1L));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
      while (!done.get()) {
        Segment s = reader.get("up/atomic");
        byte[] expected = committed.get(s.info().version());
        assertThat(expected).as("v%d was acknowledged before it was visible", s.info().version()).isNotNull();
        assertThat(s.data()).as("v%d", s.info().version()).isEqualTo(expected);
        reads.incrementAndGet();
      }
    });
    for (long v = 2; v <= 6; v++) {
      byte[] data = WriteReadTest.bytes(2 << 20, v);
      committed.put(v, data);
      assertThat(writer.put("up/atomic", data).version()).isEqualTo(v);
    }
    done.set(true);
    reading.get();
    assertThat(reads.get()).isPositive();
  }

  @Test
  void abandonedUploadIsCollectedOnEveryNode() throws Exception {
    try (MiniCluster cluster = MiniCluster.builder().nodes(3)
        .property(CkptServerConfigKeys.UPLOAD_IDLE_TIMEOUT_KEY, "1s").start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      collectsAbandonedUpload(cluster);
    }
  }

  private static void collectsAbandonedUpload(MiniCluster cluster) throws Exception {
    long before = cluster.node("n1").stateMachine().store().status().getUsedBytes();
    ClientSettings settings = new ClientSettings(cluster.peers(), Duration.ofSeconds(20), 64 << 10, 1 << 20, 1,
        Duration.ofSeconds(5), new ClientSettings.GroupCommitSettings(0, 0, 1), 0);
    try (RaftTransport transport = new RaftTransport(settings)) {
      byte[] data = WriteReadTest.bytes(50_000, 9);
      LogEntry chunk = LogEntry.newBuilder().setChunk(ChunkEntry.newBuilder().setUploadId("abandoned-1")
          .setName("up/abandoned").setIndex(0).setData(ByteString.copyFrom(data)).setCrc32C(Crc32c.of(data))).build();
      var reply = transport.await(transport.write(transport.lane(), chunk), transport.deadline(), "chunk");
      assertThat(reply.getStatus()).isEqualTo(Status.OK);
    }
    for (String id : cluster.runningIds()) {
      var store = cluster.node(id).stateMachine().store();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.status().getStagedUploads() == 0);
      assertThat(store.status().getUsedBytes()).isEqualTo(before);
    }
  }

  @Test
  void concurrentLargeUploadsDoNotStarveHeartbeats() throws Exception {
    String leader = cluster.awaitLeader(Duration.ofSeconds(10));
    RaftServer.Division division = cluster.node(leader).raftServer().getDivision(io.ckpt.client.internal.RaftGroups.GROUP_ID);
    long term = division.getInfo().getCurrentTerm();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      CheckpointClient c = cluster.client();
      int id = w;
      writers.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 2; i++) {
          c.put("up/large" + id, WriteReadTest.bytes(16 << 20, id * 10 + i));
        }
      }));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
    assertThat(cluster.leader()).contains(leader);
    assertThat(division.getInfo().getCurrentTerm()).as("no election happened during the uploads").isEqualTo(term);
  }
}
