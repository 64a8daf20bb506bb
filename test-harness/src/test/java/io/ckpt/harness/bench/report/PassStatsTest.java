package io.ckpt.harness.bench.report;

import static io.ckpt.harness.bench.report.Passes.failed;
import static io.ckpt.harness.bench.report.Passes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult.Latency;
import io.ckpt.harness.bench.systems.Layout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Medians and ranges over the passes of one cell, and how a table row shows them. */
class PassStatsTest {
  private static final Cell CKPT = Passes.write("ckpt", Layout.PROCESSES, 64);

  @Test
  void threePassesGiveTheMedianOfEachFigureAndTheRangeOfOpsPerSecond() {
    PassStats s = new PassStats(List.of(
        ok(CKPT, 1, 8412, 10, 50, 60),
        ok(CKPT, 2, 4005, 14.5, 30, 90),
        ok(CKPT, 3, 5861, 20, 38.8, 77.9)));

    assertThat(s.opsPerSecond()).isEqualTo(5861);
    assertThat(s.minOpsPerSecond()).isEqualTo(4005);
    assertThat(s.maxOpsPerSecond()).isEqualTo(8412);
    assertThat(s.mbPerSecond()).isCloseTo(5861 * 1024 / 1e6, within(1e-9));
    // each percentile is the median of its own column, whichever pass it comes from
    assertThat(s.latency(Latency::p50Ms)).isEqualTo(14.5);
    assertThat(s.latency(Latency::p99Ms)).isEqualTo(38.8);
    assertThat(s.latency(Latency::p999Ms)).isEqualTo(77.9);
    assertThat(WorkloadTable.ops(s)).isEqualTo("5,861 (3 passes, 4,005–8,412)");
    assertThat(WorkloadTable.notes(s)).isEmpty();
  }

  @Test
  void aPassThatDidNotRunIsLeftOutAndNamedInTheNotes() {
    PassStats s = new PassStats(List.of(ok(CKPT, 1, 4005, 10, 30, 60), failed(CKPT, 2), ok(CKPT, 3, 8412, 12, 50, 80)));

    assertThat(s.ranPasses()).extracting(r -> r.pass()).containsExactly(1, 3);
    assertThat(s.opsPerSecond()).isEqualTo((4005 + 8412) / 2.0);
    assertThat(s.latency(Latency::p99Ms)).isEqualTo(40);
    assertThat(WorkloadTable.ops(s)).isEqualTo("6,209 (2 of 3 passes, 4,005–8,412)");
    assertThat(WorkloadTable.notes(s)).isEqualTo("pass 2: **failed**: the target did not start: etcd: not found");
  }

  @Test
  void theSameNoteInEveryPassIsGivenOnce() {
    PassStats s = new PassStats(List.of(failed(CKPT, 1), failed(CKPT, 2)));
    assertThat(s.ran()).isFalse();
    assertThat(s.opsPerSecond()).isNaN();
    assertThat(WorkloadTable.notes(s)).isEqualTo("all 2 passes: **failed**: the target did not start: etcd: not found");
  }

  @Test
  void onePassLooksAsItAlwaysDid() {
    PassStats s = new PassStats(List.of(ok(CKPT, 1, 4005, 14.5, 38.8, 77.9)));
    assertThat(s.several()).isFalse();
    assertThat(WorkloadTable.ops(s)).isEqualTo("4,005");
    assertThat(s.latency(Latency::p99Ms)).isEqualTo(38.8);
  }

  @Test
  void medianOfOddAndEvenCountsWithoutUnknowns() {
    assertThat(PassStats.median(List.of(7.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(PassStats.median(Arrays.asList(10.0, Double.NaN, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(PassStats.median(List.of(Double.NaN))).isNaN();
    assertThat(PassStats.median(List.of())).isNaN();
  }
}
