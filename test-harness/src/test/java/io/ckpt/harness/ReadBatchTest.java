package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CkptClientConfigKeys;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.WriteResult;
import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.protocol.BatchQuery;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.statemachine.store.SegmentStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToLongFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Read batching: concurrent linearizable gets of one client share ReadIndex rounds; each is answered as if alone. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadBatchTest {
  static final int CHUNK = 64 << 10;
  /** 0 bytes, small, exactly one chunk, one byte over, several chunks. */
  static final int[] SIZES = {0, 1000, CHUNK, CHUNK + 1, 3 * CHUNK + 17};
  static MiniCluster cluster;
  static CheckpointClient client;
  static ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    cluster = MiniCluster.start(3);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client(b -> b.chunkSize(CHUNK));
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    cluster.close();
  }

  static void inParallel(int n, ParallelTasks.Task task) throws Exception {
    ParallelTasks.run(threads, n, task);
  }

  static long sum(ToLongFunction<SegmentStore> counter) {
    return cluster.runningIds().stream().mapToLong(id -> counter.applyAsLong(cluster.node(id).stateMachine().store())).sum();
  }

  @Test
  void concurrentGetsOfManySizesReturnTheirOwnBytesAndVersions() throws Exception {
    int segments = 20;
    byte[][] data = new byte[segments][];
    long[] versions = new long[segments];
    for (int i = 0; i < segments; i++) {
      client.put("rb/mix" + i, WriteReadTest.bytes(SIZES[i % SIZES.length], i));
      data[i] = WriteReadTest.bytes(SIZES[i % SIZES.length], 100 + i);
      versions[i] = client.put("rb/mix" + i, data[i]).version();
    }
    long batchedBefore = sum(SegmentStore::batchedGets);
    long batchesBefore = sum(SegmentStore::batchQueries);
    inParallel(64, t -> {
      for (int round = 0; round < 5; round++) {
        int i = (t + round * 7) % segments;
        Segment s = client.get("rb/mix" + i);
        assertThat(s.info().version()).isEqualTo(versions[i]);
        assertThat(s.data()).as("rb/mix%d (%d bytes)", i, data[i].length).isEqualTo(data[i]);
        assertThat(client.info("rb/mix" + i).size()).isEqualTo(data[i].length);
      }
    });
    // Batching happened: batch queries answered, with more than one get each on average.
    long batched = sum(SegmentStore::batchedGets) - batchedBefore;
    long batches = sum(SegmentStore::batchQueries) - batchesBefore;
    assertThat(batches).as("batch queries").isPositive();
    assertThat(batched).as("gets in %d batches", batches).isGreaterThan(batches);
    assertThat(batched).isLessThanOrEqualTo(64 * 5 * 2);
  }

  /** Stale gets to one node are batched per node: that node answers them in batch queries. */
  @Test
  void concurrentStaleGetsOfOneNodeShareBatchesOnThatNode() throws Exception {
    int segments = 10;
    byte[][] data = new byte[segments][];
    long[] versions = new long[segments];
    for (int i = 0; i < segments; i++) {
      data[i] = WriteReadTest.bytes(SIZES[i % SIZES.length], 300 + i);
      versions[i] = client.put("rb/stale" + i, data[i]).version();
    }
    String follower = DiskFaults.follower(cluster);
    ReadOptions fromFollower = ReadOptions.latest().stale().fromNode(follower);
    // A stale read answers from what the node applied: wait until it has every put.
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreException(SegmentNotFoundException.class)
        .until(() -> client.get("rb/stale" + (segments - 1), fromFollower).info().version()
            == versions[segments - 1]);
    SegmentStore followerStore = cluster.node(follower).stateMachine().store();
    long batchedBefore = followerStore.batchedGets();
    long batchesBefore = followerStore.batchQueries();
    inParallel(64, t -> {
      for (int round = 0; round < 5; round++) {
        int i = (t + round * 3) % segments;
        Segment s = client.get("rb/stale" + i, fromFollower);
        assertThat(s.info().node()).isEqualTo(follower);
        assertThat(s.info().version()).isEqualTo(versions[i]);
        assertThat(s.data()).as("rb/stale%d (%d bytes)", i, data[i].length).isEqualTo(data[i]);
      }
    });
    long batched = followerStore.batchedGets() - batchedBefore;
    long batches = followerStore.batchQueries() - batchesBefore;
    assertThat(batches).as("batch queries on %s", follower).isPositive();
    assertThat(batched).as("stale gets in %d batches on %s", batches, follower).isGreaterThan(batches);
    assertThat(batched).isLessThanOrEqualTo(64 * 5);
  }

  /** Concurrent stale gets that name no node go to the first peer (through its batcher). */
  @Test
  void staleGetsWithoutANodeGoToTheFirstPeer() throws Exception {
    byte[] value = WriteReadTest.bytes(500, 77);
    long version = client.put("rb/stale-default", value).version();
    String first = cluster.peers().get(0).id();
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreException(SegmentNotFoundException.class)
        .until(() -> client.get("rb/stale-default", ReadOptions.latest().stale()).info().version() == version);
    inParallel(32, t -> {
      Segment s = client.get("rb/stale-default", ReadOptions.latest().stale());
      assertThat(s.info().node()).isEqualTo(first);
      assertThat(s.data()).isEqualTo(value);
    });
  }

  @Test
  void aGetAfterAPutSeesThatPutUnderConcurrency() throws Exception {
    int writers = 8;
    AtomicLongArray acknowledged = new AtomicLongArray(writers);
    for (int w = 0; w < writers; w++) {
      acknowledged.set(w, client.put("rb/lin" + w, new byte[] {0}).version());
    }
    inParallel(48, t -> {
      int w = t % writers;
      for (int k = 0; k < 10; k++) {
        if (t < writers) {
          WriteResult r = client.put("rb/lin" + w, WriteReadTest.bytes(200, t * 100L + k));
          acknowledged.set(w, r.version());
          assertThat(client.get("rb/lin" + w).info().version()).isGreaterThanOrEqualTo(r.version());
        } else {
          long before = acknowledged.get(w);
          assertThat(client.get("rb/lin" + w).info().version()).as("rb/lin%d acknowledged at v%d", w, before)
              .isGreaterThanOrEqualTo(before);
        }
      }
    });
  }

  @Test
  void aMissingSegmentFailsOnlyItsOwnGet() throws Exception {
    client.put("rb/here-a", WriteReadTest.bytes(300, 1));
    client.put("rb/here-b", WriteReadTest.bytes(CHUNK, 2));
    // Straight to the server: one batch, the missing member in the middle.
    QueryReply r = raw(Query.newBuilder().setBatch(BatchQuery.newBuilder().addGets(get("rb/here-a"))
        .addGets(get("rb/nowhere")).addGets(get("rb/here-b"))).build());
    assertThat(r.getBatchList()).extracting(QueryReply::getStatus).containsExactly(Status.OK, Status.NOT_FOUND, Status.OK);
    assertThat(r.getBatch(1).getMessage()).contains("rb/nowhere");
    assertThat(r.getBatch(2).getData().size()).isEqualTo(CHUNK);
    // Through the client, many at once.
    Set<Integer> missing = ConcurrentHashMap.newKeySet();
    inParallel(48, t -> {
      for (int k = 0; k < 3; k++) {
        if (t % 3 == 1) {
          assertThatThrownBy(() -> client.get("rb/nowhere" + t)).isInstanceOf(SegmentNotFoundException.class);
          missing.add(t);
        } else {
          String name = t % 3 == 0 ? "rb/here-a" : "rb/here-b";
          assertThat(client.get(name).data()).hasSize(t % 3 == 0 ? 300 : CHUNK);
        }
      }
    });
    assertThat(missing).hasSize(16);
  }

  @Test
  void fullChunksBeyondTheReplyBudgetAreStillReadCorrectly() throws Exception {
    CheckpointClient big = cluster.client(b -> b);
    int segments = 4;
    byte[][] data = new byte[segments][];
    for (int i = 0; i < segments; i++) {
      data[i] = WriteReadTest.bytes(1 << 20, 50 + i);
      big.put("rb/full" + i, data[i]);
    }
    long batchedBefore = sum(SegmentStore::batchedGets);
    inParallel(16, t -> {
      for (int round = 0; round < 3; round++) {
        int i = (t + round) % segments;
        assertThat(big.get("rb/full" + i).data()).as("rb/full%d", i).isEqualTo(data[i]);
      }
    });
    assertThat(sum(SegmentStore::batchedGets)).as("gets answered in batches").isGreaterThan(batchedBefore);
  }

  @Test
  void theServerRefusesAnEmptyOrOversizedBatch() {
    QueryReply empty = raw(Query.newBuilder().setBatch(BatchQuery.getDefaultInstance()).build());
    assertThat(empty.getStatus()).isEqualTo(Status.INVALID);
    assertThat(empty.getMessage()).isEqualTo("a batch query carries 1..1024 gets, got 0");
    BatchQuery.Builder huge = BatchQuery.newBuilder();
    for (int i = 0; i < 1025; i++) {
      huge.addGets(get("rb/x" + i));
    }
    QueryReply tooMany = raw(Query.newBuilder().setBatch(huge).build());
    assertThat(tooMany.getStatus()).isEqualTo(Status.INVALID);
    assertThat(tooMany.getMessage()).isEqualTo("a batch query carries 1..1024 gets, got 1025");
    assertThat(tooMany.getBatchCount()).isZero();
  }

  /** Last: queries of the closed client may still reach the servers and move their counters. */
  @Test
  @Order(Integer.MAX_VALUE)
  void closingTheClientFailsWaitingGetsAsUnavailable() throws Exception {
    CheckpointClient c = cluster.client(b -> b.readBatch(1));
    c.put("rb/closing", WriteReadTest.bytes(100, 3));
    Set<Class<?>> failures = ConcurrentHashMap.newKeySet();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 32; t++) {
      fs.add(threads.submit(() -> {
        try {
          while (true) {
            c.get("rb/closing");
          }
        } catch (RuntimeException e) {
          failures.add(e.getClass());
        }
        return null;
      }));
    }
    c.get("rb/closing");
    c.close();
    for (Future<?> f : fs) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(failures).containsOnly(UnavailableException.class);
  }

  @Test
  void theSettingIsValidatedAndZeroSendsEveryGetAlone() throws Exception {
    CheckpointClient.Builder b = CheckpointClient.builder().peers(cluster.peers());
    assertThatThrownBy(() -> b.readBatch(-1)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(CkptClientConfigKeys.READ_BATCH_IN_FLIGHT_KEY);
    assertThatThrownBy(() -> b.readBatch(1025)).isInstanceOf(InvalidRequestException.class);
    CheckpointClient alone = cluster.client(c -> c.readBatch(0));
    alone.put("rb/alone", WriteReadTest.bytes(CHUNK, 4));
    long batchedBefore = sum(SegmentStore::batchedGets);
    inParallel(16, t -> assertThat(alone.get("rb/alone").data()).isEqualTo(WriteReadTest.bytes(CHUNK, 4)));
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreException(SegmentNotFoundException.class)
        .until(() -> alone.get("rb/alone", ReadOptions.latest().stale()).data().length == CHUNK);
    inParallel(16, t -> assertThat(alone.get("rb/alone", ReadOptions.latest().stale()).data())
        .isEqualTo(WriteReadTest.bytes(CHUNK, 4)));
    assertThat(sum(SegmentStore::batchedGets)).isEqualTo(batchedBefore);
  }

  static GetQuery get(String name) {
    return GetQuery.newBuilder().setName(name).setIncludeFirstChunk(true).build();
  }

  /** A query sent as is, linearizably, to the leader. */
  static QueryReply raw(Query q) {
    ClientSettings settings = new ClientSettings(cluster.peers(), Duration.ofSeconds(20), CHUNK, 1 << 20, 1,
        Duration.ofSeconds(5), new ClientSettings.GroupCommitSettings(0, 0, 1), 0);
    try (RaftTransport transport = new RaftTransport(settings)) {
      return transport.query(q, null, false, 0, transport.deadline(), "raw query").reply();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
