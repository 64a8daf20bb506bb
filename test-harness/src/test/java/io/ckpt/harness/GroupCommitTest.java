package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CheckpointException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.PutOptions;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentPolicy;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.VersionConflictException;
import io.ckpt.client.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group commit: concurrent small puts of one client share log entries; each is answered as if alone. */
class GroupCommitTest {
  static MiniCluster cluster;
  static CheckpointClient client;
  static ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    cluster = MiniCluster.start(3);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    cluster.close();
  }

  static void inParallel(int n, ParallelTasks.Task task) throws Exception {
    ParallelTasks.run(threads, n, task);
  }

  @Test
  void concurrentPutsShareLogEntriesAndEachGetsItsOwnVersion() throws Exception {
    int writers = 32;
    int puts = 15;
    Set<Long> revisions = ConcurrentHashMap.newKeySet();
    inParallel(writers, t -> {
      for (int k = 1; k <= puts; k++) {
        byte[] data = WriteReadTest.bytes(100 + t, t * 1000L + k);
        WriteResult w = client.put("gc/w" + t, data);
        assertThat(w.version()).isEqualTo(k);
        assertThat(w.size()).isEqualTo(data.length);
        revisions.add(w.revision());
      }
    });
    assertThat(revisions.size()).as("log entries used by %d puts", writers * puts).isLessThan(writers * puts);
    for (int t = 0; t < writers; t++) {
      byte[] last = WriteReadTest.bytes(100 + t, t * 1000L + puts);
      for (String node : List.of("n1", "n2", "n3")) {
        assertThat(client.get("gc/w" + t, ReadOptions.latest().fromNode(node)).data()).isEqualTo(last);
      }
    }
  }

  @Test
  void putsOfOneSegmentNeverShareAnEntry() throws Exception {
    Set<Long> versions = ConcurrentHashMap.newKeySet();
    Set<Long> revisions = ConcurrentHashMap.newKeySet();
    inParallel(16, t -> {
      for (int k = 0; k < 10; k++) {
        WriteResult w = client.put("gc/same", WriteReadTest.bytes(50, t * 100L + k));
        versions.add(w.version());
        revisions.add(w.revision());
      }
    });
    assertThat(versions).hasSize(160);
    assertThat(revisions).hasSize(160);
    assertThat(client.info("gc/same").version()).isEqualTo(160);
  }

  @Test
  void aRefusedOrConflictingPutFailsAloneAndItsNeighboursAreStored() throws Exception {
    client.register("gc/small", new SegmentPolicy(0, 100), "test");
    for (int round = 0; round < 5; round++) {
      CyclicBarrier start = new CyclicBarrier(12);
      int r = round;
      inParallel(12, t -> {
        start.await(30, TimeUnit.SECONDS);
        if (t == 0) {
          assertThatThrownBy(() -> client.put("gc/small", new byte[1000])).isInstanceOf(SegmentTooLargeException.class);
        } else if (t == 1) {
          assertThatThrownBy(() -> client.put("gc/cas", new byte[10], PutOptions.defaults().expectVersion(99)))
              .isInstanceOf(VersionConflictException.class);
        } else {
          byte[] data = WriteReadTest.bytes(64, r * 100L + t);
          assertThat(client.put("gc/n" + t, data).version()).isEqualTo(r + 1);
        }
      });
    }
    assertThat(client.info("gc/n5").version()).isEqualTo(5);
    assertThat(client.get("gc/n5").data()).isEqualTo(WriteReadTest.bytes(64, 405));
  }

  @Test
  void aRefusedWriteDoesNotFailTheOtherWritesOnItsRatisClient() throws Exception {
    client.register("gc/tiny", new SegmentPolicy(0, 10), "test");
    try (CheckpointClient oneLane = cluster.client(b -> b.groupCommit(0, 0, 1).raftClients(1))) {
      inParallel(8, t -> {
        for (int k = 1; k <= 20; k++) {
          if (t == 0) {
            assertThatThrownBy(() -> oneLane.put("gc/tiny", new byte[100])).isInstanceOf(SegmentTooLargeException.class);
          } else {
            assertThat(oneLane.put("gc/lane" + t, new byte[100]).version()).isEqualTo(k);
          }
        }
      });
    }
  }

  @Test
  void withGroupCommitOffEveryPutIsItsOwnEntry() throws Exception {
    try (CheckpointClient alone = cluster.client(b -> b.groupCommit(0, 0, 1))) {
      Set<Long> revisions = ConcurrentHashMap.newKeySet();
      inParallel(8, t -> {
        for (int k = 0; k < 10; k++) {
          revisions.add(alone.put("gc/off" + t, new byte[32]).revision());
        }
      });
      assertThat(revisions).hasSize(80);
    }
  }

  @Test
  void putAsyncCallbacksMayWriteAgainThroughTheSameClient() throws Exception {
    // A callback that makes a blocking put: run where replies are delivered (the group-commit
    // thread), it would wait for a reply only that thread can deliver.
    List<CompletableFuture<WriteResult>> chains = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String name = "gc/async" + i;
      byte[] second = WriteReadTest.bytes(64, 100 + i);
      chains.add(client.putAsync(name, WriteReadTest.bytes(64, i), PutOptions.defaults())
          .thenApply(first -> client.put(name, second,
              PutOptions.defaults().expectVersion(first.version()))));
    }
    for (int i = 0; i < 8; i++) {
      assertThat(chains.get(i).get(60, TimeUnit.SECONDS).version()).isEqualTo(2);
      assertThat(client.get("gc/async" + i).data()).isEqualTo(WriteReadTest.bytes(64, 100 + i));
    }
  }

  @Test
  void aRefusedPutAsyncFailsWithItsOwnError() {
    CompletableFuture<WriteResult> conflict = client.putAsync("gc/async-cas", new byte[10],
        PutOptions.defaults().expectVersion(99));
    assertThatThrownBy(() -> conflict.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> client.putAsync("bad name!", new byte[10], PutOptions.defaults()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void closingTheClientEndsEveryWaitingPut() throws Exception {
    CheckpointClient closing = cluster.client(b -> b.groupCommit(64 << 10, 1024, 1));
    CyclicBarrier running = new CyclicBarrier(9);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int t = i;
      fs.add(threads.submit(() -> {
        running.await(30, TimeUnit.SECONDS);
        for (int k = 0; ; k++) {
          try {
            closing.put("gc/closing" + t, new byte[100]);
          } catch (UnavailableException e) {
            return null;
          }
        }
      }));
    }
    running.await(30, TimeUnit.SECONDS);
    closing.close();
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void badSettingsAreRefused() {
    CheckpointClient.Builder b = CheckpointClient.builder().peers(cluster.peers());
    assertThatThrownBy(() -> b.groupCommit(-1, 0, 1)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ckpt.client.group-commit.bytes.max");
    assertThatThrownBy(() -> b.groupCommit(2 << 20, 1024, 1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> b.groupCommit(1024, 2048, 1)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ckpt.client.group-commit.put-bytes.max");
    assertThatThrownBy(() -> b.groupCommit(1024, 512, 0)).isInstanceOf(CheckpointException.class)
        .hasMessageContaining("ckpt.client.group-commit.in-flight");
  }
}
