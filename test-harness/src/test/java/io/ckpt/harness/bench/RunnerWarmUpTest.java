package io.ckpt.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A target warms up on the path its cells measure: small writes, or large ones when only those are measured. */
class RunnerWarmUpTest {
  @Test
  void smallOrMixedSizesWarmUpWithSmallWritesFrom16Clients() {
    assertThat(Runner.warmUpCell(List.of(1024L, 64L << 20), "ckpt", Layout.PROCESSES, true))
        .isEqualTo(new Cell("ckpt", Layout.PROCESSES, Workload.MIXED, 1024, 16));
    assertThat(Runner.warmUpCell(List.of(65_536L), "ratis", Layout.IN_JVM, false))
        .isEqualTo(new Cell("ratis", Layout.IN_JVM, Workload.WRITE, 1024, 16));
  }

  @Test
  void onlyLargeSizesWarmUpWithWritesOfTheSmallestOfThemFromOneClient() {
    assertThat(Runner.warmUpCell(List.of(64L << 20, 1L << 20), "ckpt-stream", Layout.PROCESSES, true))
        .isEqualTo(new Cell("ckpt-stream", Layout.PROCESSES, Workload.WRITE, 1L << 20, 1));
  }
}
