package io.ckpt.harness.bench.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import io.ckpt.harness.bench.systems.Layout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.ratis.util.LifeCycle;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bare-Ratis target with its three nodes in this JVM, through the benchmark's interface. */
class RatisTargetTest {
  static RatisTarget target;
  static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    shared = Files.createTempDirectory("ratis-target-");
    target = RatisTarget.start(Layout.IN_JVM, shared);
  }

  @AfterAll
  static void stop() {
    target.close();
    io.ckpt.harness.TempDirs.deleteQuietly(shared);
  }

  @Test
  void concurrentWritesAreAcknowledgedAndEveryNodeAppliesTheLast() throws Exception {
    int threads = 8;
    int writesEach = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String key = "k" + t;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < writesEach; i++) {
            target.write(key, new byte[1024]);
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

    long last = target.lastAcknowledgedIndex();
    assertThat(last).as("one log entry per write, after the leader's first")
        .isGreaterThanOrEqualTo(threads * writesEach);
    for (String node : target.nodeIds()) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .untilAsserted(() -> assertThat(target.appliedIndex(node)).as("applied on %s", node)
              .isGreaterThanOrEqualTo(last));
      assertThat(((InJvmAckCluster) target.cluster()).node(node).appliedIndex()).isGreaterThanOrEqualTo(last);
    }
  }

  @Test
  void theLargestValueIsWrittenAndOneByteMoreIsRefusedWithTheLimit() throws Exception {
    long max = target.maxValueBytes();
    assertThat(max).isGreaterThanOrEqualTo(1 << 20).isLessThan(3L << 20);
    target.write("large", new byte[(int) max]);

    assertThatThrownBy(() -> target.write("large", new byte[(int) max + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Long.toString(max + 1))
        .hasMessageContaining(Long.toString(max));
    assertThatThrownBy(() -> target.write("k".repeat(WriteMessages.KEY_BYTES_MAX + 1), new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key of " + (WriteMessages.KEY_BYTES_MAX + 1) + " bytes");
  }

  @Test
  void onlyWritesAreSupported() {
    assertThat(target.supports(Operation.WRITE)).isTrue();
    assertThat(List.of(Operation.READ_LINEARIZABLE, Operation.READ_STALE, Operation.TAKEOVER))
        .noneMatch(target::supports);
    assertThatThrownBy(() -> target.read("k", false)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("stores nothing").hasMessageContaining("linearizable reads");
    assertThatThrownBy(() -> target.read("k", true)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("stale reads");
    assertThatThrownBy(() -> target.takeover("k")).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("takeovers");
  }

  @Test
  void describesItselfAndItsLayout() {
    assertThat(target.system()).isEqualTo("ratis");
    assertThat(target.description()).contains("bare Ratis 3.3.0").contains("3 nodes in this JVM");
    assertThat(target.nodesInThisJvm()).isTrue();
    assertThat(target.nodeProcesses()).containsExactly(ProcessHandle.current());
  }

  @Test
  void closeStopsTheServersFreesTheirPortsAndDeletesTheirData() throws Exception {
    RatisTarget own = RatisTarget.start(Layout.IN_JVM, tmp);
    own.write("k", new byte[10]);
    InJvmAckCluster cluster = (InJvmAckCluster) own.cluster();
    List<AckNode> nodes = own.nodeIds().stream().map(cluster::node).toList();
    List<PeerAddress> peers = cluster.peers();

    own.close();

    assertThat(nodes).allSatisfy(n -> assertThat(n.raftServer().getLifeCycleState()).isEqualTo(LifeCycle.State.CLOSED));
    for (PeerAddress p : peers) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (ServerSocket s = new ServerSocket(p.port(), 1, InetAddress.getByName(p.host()))) {
          assertThat(s.getLocalPort()).isEqualTo(p.port());
        }
      });
      assertThat(tmp.resolve(p.id())).doesNotExist();
    }
  }

  @Test
  void refusesADirectoryThatHoldsNodeData() throws Exception {
    Files.createDirectories(tmp.resolve("n1"));
    assertThatThrownBy(() -> RatisTarget.start(Layout.IN_JVM, tmp)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fresh directory");
  }
}
