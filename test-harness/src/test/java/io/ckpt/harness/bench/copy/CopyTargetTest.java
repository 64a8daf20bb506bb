package io.ckpt.harness.bench.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import io.ckpt.harness.bench.systems.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy baseline really puts every byte on the disk of all three replicas. */
class CopyTargetTest {
  @TempDir Path dir;

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void everyReplicaFileHoldsTheValuesInOrder() throws Exception {
    byte[] first = bytes(3 << 20, 1);
    byte[] second = bytes(1000, 2);
    try (CopyTarget copy = CopyTarget.start(Layout.IN_JVM, dir)) {
      copy.write("a", first);
      copy.write("b", second);
    }
    for (int i = 1; i <= 3; i++) {
      byte[] file = Files.readAllBytes(dir.resolve("replica-" + i).resolve("replica.data"));
      assertThat(file).hasSize(first.length + second.length);
      assertThat(java.util.Arrays.copyOfRange(file, 0, first.length)).isEqualTo(first);
      assertThat(java.util.Arrays.copyOfRange(file, first.length, file.length)).isEqualTo(second);
    }
  }

  @Test
  void concurrentWritersAreAllAcknowledged() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (CopyTarget copy = CopyTarget.start(Layout.IN_JVM, dir)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int w = t;
        fs.add(pool.submit(() -> {
          for (int k = 0; k < 10; k++) {
            copy.write("w" + w, bytes(10_000, w * 100L + k));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (int i = 1; i <= 3; i++) {
        assertThat(Files.size(dir.resolve("replica-" + i).resolve("replica.data"))).isEqualTo(40 * 10_000L);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void onlyWritesInThisJvmAndTheReplicasStopOnClose() throws Exception {
    assertThatThrownBy(() -> CopyTarget.start(Layout.PROCESSES, dir)).isInstanceOf(IllegalArgumentException.class);
    CopyTarget copy = CopyTarget.start(Layout.IN_JVM, dir);
    assertThat(copy.supports(Operation.WRITE)).isTrue();
    assertThat(copy.supports(Operation.READ_LINEARIZABLE)).isFalse();
    assertThatThrownBy(() -> copy.read("a", false)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.takeover("a")).isInstanceOf(UnsupportedOperationException.class);
    copy.write("a", new byte[10]);
    assertThat(Files.list(dir).count()).isEqualTo(3);
    List<CopyReplica> replicas = replicasOf(copy);
    assertThat(replicas).hasSize(3).noneMatch(CopyReplica::closed);
    copy.close();
    // Whether the port refuses connections is not asserted: a parallel test may be given it at once.
    assertThat(replicas).allMatch(CopyReplica::closed);
  }

  @SuppressWarnings("unchecked")
  private static List<CopyReplica> replicasOf(CopyTarget copy) throws Exception {
    var f = CopyTarget.class.getDeclaredField("replicas");
    f.setAccessible(true);
    return List.copyOf((List<CopyReplica>) f.get(copy));
  }
}
