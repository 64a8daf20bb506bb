package io.ckpt.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

  private static BenchPlan plan(List<String> systems, int passes) {
    return plan(systems, List.of(1024L), List.of(1), Duration.ZERO, passes);
  }

  private static BenchPlan plan(List<String> systems, List<Long> sizes, List<Integer> clients, Duration targetWarmup,
      int passes) {
    return new BenchPlan(systems, List.of(Layout.IN_JVM), List.of(Workload.byId("write")), sizes, clients,
        targetWarmup, Duration.ZERO, Duration.ofSeconds(1), Path.of("work"), 1L << 30, passes, false);
  }

  /** Over as many passes as systems, every system runs once in every position, and the cycle repeats. */
  @Test
  void theOrderRotatesFromPassToPass() {
    BenchPlan p = plan(List.of("ckpt", "etcd", "ratis"), 4);
    assertThat(p.systemsInPass(1)).containsExactly("ckpt", "etcd", "ratis");
    assertThat(p.systemsInPass(2)).containsExactly("etcd", "ratis", "ckpt");
    assertThat(p.systemsInPass(3)).containsExactly("ratis", "ckpt", "etcd");
    assertThat(p.systemsInPass(4)).containsExactly("ckpt", "etcd", "ratis");
    assertThat(p.systems()).as("the plan's own order is unchanged").containsExactly("ckpt", "etcd", "ratis");
  }

  @Test
  void oneSystemRunsAloneInEveryPass() {
    BenchPlan p = plan(List.of("ratis"), 2);
    assertThat(p.systemsInPass(1)).containsExactly("ratis");
    assertThat(p.systemsInPass(2)).containsExactly("ratis");
  }

  @Test
  void aPassOutsideThePlanIsRefused() {
    BenchPlan p = plan(List.of("ckpt", "etcd"), 2);
    assertThatThrownBy(() -> p.systemsInPass(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..2");
    assertThatThrownBy(() -> p.systemsInPass(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..2");
  }

  /** A warm-up runs each of its cells for at least one settling round, however short --target-warmup is. */
  @Test
  void theLeastTargetWarmUpCountsEveryWarmUpCell() {
    List<Integer> clients = List.of(1, 16, 64, 256);
    assertThat(plan(List.of("ratis"), List.of(1024L), clients, Duration.ofSeconds(120), 1).leastTargetWarmup())
        .as("4 cells of 10 s fit in 120 s").isEqualTo(Duration.ofSeconds(120));
    assertThat(plan(List.of("ratis"), List.of(1024L), clients, Duration.ofSeconds(30), 1).leastTargetWarmup())
        .as("4 cells of 10 s").isEqualTo(Duration.ofSeconds(40));
    assertThat(plan(List.of("ratis"), List.of(1024L), clients, Duration.ofSeconds(2), 1).leastTargetWarmup())
        .as("rounds as short as the warm-up").isEqualTo(Duration.ofSeconds(8));
    assertThat(plan(List.of("ratis"), List.of(64L << 20), clients, Duration.ofSeconds(30), 1).leastTargetWarmup())
        .as("large sizes warm up on one cell").isEqualTo(Duration.ofSeconds(30));
    assertThat(plan(List.of("ratis"), List.of(1024L), clients, Duration.ZERO, 1).leastTargetWarmup()).isZero();
    assertThat(plan(List.of("ratis"), List.of(1024L), clients, Duration.ofSeconds(30), 2).summary())
        .as("2 passes × (4 cells × 1 s + 15 s start + 40 s warm-up)").endsWith("at least 2 min");
  }
}
