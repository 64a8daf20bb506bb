package io.ckpt.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A target warms up on the paths its cells measure: small writes at each concurrency (and mixed
 * reads where the plan measures more than writes and the target reads), or large writes when
 * only those are measured.
 */
class RunnerWarmUpTest {
  private static final List<Workload> WRITES = List.of(Workload.WRITE);

  @Test
  void smallOrMixedSizesWarmUpWithSmallWritesFromEveryClientCountOfThePlan() {
    assertThat(Runner.warmUpCells(List.of(Workload.WRITE, Workload.READ_STALE), List.of(1024L, 64L << 20),
        List.of(64, 1, 16, 1), "ckpt", Layout.PROCESSES, true))
        .containsExactly(new Cell("ckpt", Layout.PROCESSES, Workload.MIXED, 1024, 16),
            new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 1),
            new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 16),
            new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 64));
  }

  @Test
  void aPlanOfWritesWarmsEveryTargetUpWithWritesOnlyEvenOneThatReads() {
    List<Cell> reading = Runner.warmUpCells(WRITES, List.of(1024L), List.of(1, 64), "ckpt", Layout.PROCESSES, true);
    assertThat(reading).containsExactly(new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 1),
        new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 64));
    assertThat(reading)
        .isEqualTo(Runner.warmUpCells(WRITES, List.of(1024L), List.of(1, 64), "ckpt", Layout.PROCESSES, false));
  }

  @Test
  void aTargetThatCannotReadWarmsUpWithWritesOnly() {
    assertThat(Runner.warmUpCells(List.of(Workload.MIXED), List.of(65_536L), List.of(1, 64), "ratis", Layout.IN_JVM, false))
        .containsExactly(new Cell("ratis", Layout.IN_JVM, Workload.WRITE, 1024, 1),
            new Cell("ratis", Layout.IN_JVM, Workload.WRITE, 1024, 64));
  }

  @Test
  void onlyLargeSizesWarmUpWithWritesOfTheSmallestOfThemFromOneClient() {
    assertThat(Runner.warmUpCells(List.of(Workload.MIXED), List.of(64L << 20, 1L << 20), List.of(1, 4), "ckpt-stream",
        Layout.PROCESSES, true))
        .containsExactly(new Cell("ckpt-stream", Layout.PROCESSES, Workload.WRITE, 1L << 20, 1));
  }
}
