package io.ckpt.harness.bench.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.harness.bench.ratis.DataStreams.Routing;
import io.ckpt.harness.bench.ratis.StreamAckStateMachine.Stats;
import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bare-Ratis DataStream target with its three nodes in this JVM, through the benchmark's interface. */
class RatisStreamTargetTest {
  /** More than three packets, the last a short one. */
  static final int SEVERAL_MIB = 3 * RatisStreamTarget.CHUNK_BYTES + 12_345;
  static RatisStreamTarget target;
  static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    shared = Files.createTempDirectory("ratis-stream-target-");
    target = RatisStreamTarget.start(Layout.IN_JVM, shared);
  }

  @AfterAll
  static void stop() {
    target.close();
    io.ckpt.harness.TempDirs.deleteQuietly(shared);
  }

  @Test
  void everyNodeForcesAndLinksTheWholeValueThenDeletesItsFile() throws Exception {
    Map<String, Stats> before = stats(target);

    target.write("several", value(SEVERAL_MIB));
    target.write("empty", new byte[0]);
    target.write("one", new byte[] {7});

    assertLinkedEverywhere(target, before, 3, SEVERAL_MIB + 1);
    InJvmAckCluster cluster = (InJvmAckCluster) target.cluster();
    for (String node : target.nodeIds()) {
      Path dir = ((StreamAckStateMachine) cluster.node(node).stateMachine()).streamDir();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).as("stream files left on %s", node).isEmpty();
      }
    }
  }

  @Test
  void concurrentWritesOnThePooledClientsAreAllLinked() throws Exception {
    Map<String, Stats> before = stats(target);
    int threads = 4;
    int writesEach = 3;
    int size = 2 * RatisStreamTarget.CHUNK_BYTES + 1;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String key = "k" + t;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < writesEach; i++) {
            target.write(key, value(size));
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertLinkedEverywhere(target, before, threads * writesEach, (long) threads * writesEach * size);
    long last = target.lastAcknowledgedIndex();
    for (String node : target.nodeIds()) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .untilAsserted(() -> assertThat(target.appliedIndex(node)).isGreaterThanOrEqualTo(last));
    }
  }

  @Test
  void aChainRoutesTheBytesThroughEveryNodeToo() throws Exception {
    try (RatisStreamTarget chain = RatisStreamTarget.start(Layout.IN_JVM, tmp, Map.of(), List.of(), Routing.CHAIN,
        Duration.ofSeconds(30))) {
      assertThat(chain.description()).contains("chain from the leader");
      Map<String, Stats> before = stats(chain);
      chain.write("chained", value(SEVERAL_MIB));
      assertLinkedEverywhere(chain, before, 1, SEVERAL_MIB);
    }
  }

  @Test
  void aWriteWithAFollowerDownFailsNamingTheWriteInsteadOfHanging() throws Exception {
    Duration timeout = Duration.ofSeconds(20);
    // Ratis's DataStream timeouts (10 s by default) shortened so the failure comes from Ratis, quickly.
    Map<String, String> fast = Map.of("raft.client.data-stream.request.timeout", "2s");
    try (RatisStreamTarget own = RatisStreamTarget.start(Layout.IN_JVM, tmp, fast, List.of(), Routing.STAR,
        timeout)) {
      own.write("before", value(RatisStreamTarget.CHUNK_BYTES + 1));
      String follower = own.nodeIds().stream().filter(id -> !id.equals(own.primary())).findFirst().orElseThrow();
      ((InJvmAckCluster) own.cluster()).stop(follower);

      long started = System.nanoTime();
      assertThatThrownBy(() -> own.write("after", value(SEVERAL_MIB))).isInstanceOf(IOException.class)
          .hasMessageContaining("stream write after (" + SEVERAL_MIB + " bytes, primary " + own.primary() + ")")
          .hasMessageContaining("the primary could not open the stream").hasMessageContaining(follower);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(5));
    }
  }

  @Test
  void onlyWritesAreSupportedAndItDescribesItself() {
    assertThat(target.supports(Operation.WRITE)).isTrue();
    assertThat(List.of(Operation.READ_LINEARIZABLE, Operation.READ_STALE, Operation.TAKEOVER))
        .noneMatch(target::supports);
    assertThatThrownBy(() -> target.read("k", false)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("stores nothing");
    assertThat(target.system()).isEqualTo("ratis-stream");
    assertThat(target.description()).contains("bare Ratis 3.3.0 DataStream").contains("star from the leader")
        .contains("3 nodes in this JVM");
    assertThat(target.maxValueBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(target.cluster().dataStreamPeers()).hasSize(3).doesNotContainAnyElementsOf(target.cluster().peers());
  }

  /** Waits until every node linked {@code writes} more streams of {@code bytes} more bytes in all, each forced. */
  static void assertLinkedEverywhere(RatisStreamTarget t, Map<String, Stats> before, long writes, long bytes) {
    for (String node : t.nodeIds()) {
      Stats b = before.get(node);
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .untilAsserted(() -> {
            Stats s = t.streamStats(node);
            assertThat(s.linked() - b.linked()).as("streams linked on %s", node).isEqualTo(writes);
            assertThat(s.linkedBytes() - b.linkedBytes()).as("bytes linked on %s", node).isEqualTo(bytes);
            assertThat(s.opened() - b.opened()).as("streams opened on %s", node).isEqualTo(writes);
            assertThat(s.unforced()).as("streams linked unforced on %s", node).isZero();
            assertThat(s.missing()).as("entries without a stream on %s", node).isZero();
          });
    }
  }

  /** Every node's stats, once it answers (a node may still be starting when the others elected a leader). */
  static Map<String, Stats> stats(RatisStreamTarget t) {
    Map<String, Stats> m = new HashMap<>();
    for (String node : t.nodeIds()) {
      m.put(node, Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions().until(() -> t.streamStats(node), s -> true));
    }
    return m;
  }

  static byte[] value(int size) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) i;
    }
    return v;
  }
}
