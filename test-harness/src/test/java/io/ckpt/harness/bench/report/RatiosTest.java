package io.ckpt.harness.bench.report;

import static io.ckpt.harness.bench.report.Passes.failed;
import static io.ckpt.harness.bench.report.Passes.ok;
import static io.ckpt.harness.bench.report.Passes.skipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ckpt.harness.bench.report.Ratios.Ratio;
import io.ckpt.harness.bench.report.Ratios.Row;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.systems.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ratios of ckpt to a baseline: pass by pass when there are several passes, else the single ratio. */
class RatiosTest {
  private static final Cell CKPT = Passes.write("ckpt", Layout.PROCESSES, 64);
  private static final Cell ETCD = Passes.write("etcd", Layout.PROCESSES, 64);

  @Test
  void perPassRatiosPairPassIOfBothSidesAndLeaveOutPassesOneSideDidNotRun() {
    PassStats ckpt = new PassStats(List.of(ok(CKPT, 1, 4005, 10, 40, 60), ok(CKPT, 2, 5861, 10, 30, 60),
        ok(CKPT, 3, 8412, 10, 20, 60), ok(CKPT, 4, 6000, 10, 25, 60), skipped(CKPT, 5)));
    PassStats etcd = new PassStats(List.of(ok(ETCD, 1, 5000, 5, 20, 30), failed(ETCD, 2),
        ok(ETCD, 3, 4000, 5, 40, 30), ok(ETCD, 4, 3000, 5, 25, 30), ok(ETCD, 5, 9000, 5, 10, 30)));

    Row row = Ratios.ckptVsEtcd(List.of(ckpt, etcd)).get(0);

    // pairs: passes 1 (4,005 / 5,000), 3 (8,412 / 4,000) and 4 (6,000 / 3,000); etcd failed pass 2, ckpt skipped 5
    assertThat(row.throughput().pairs()).isEqualTo(3);
    assertThat(row.throughput().value()).isEqualTo(2.0);
    assertThat(row.throughput().min()).isCloseTo(0.801, within(1e-9));
    assertThat(row.throughput().max()).isCloseTo(2.103, within(1e-9));
    assertThat(row.p99()).isEqualTo(new Ratio(1.0, 0.5, 2.0, 3));
    // the median of the medians would say 5,930.5 / 4,500 = 1.32: not met
    assertThat(ckpt.opsPerSecond() / etcd.opsPerSecond()).isCloseTo(1.318, within(0.001));
    assertThat(row.met()).isTrue();
    assertThat(MarkdownReport.ratio(row.throughput(), true)).isEqualTo("**2.00×** (3 pairs, 0.80–2.10)");
    assertThat(MarkdownReport.ratio(row.p99(), true)).isEqualTo("**1.00×** (3 pairs, 0.50–2.00)");
  }

  @Test
  void onePassEachIsTheSingleRatio() {
    Row row = Ratios.row(new PassStats(List.of(ok(CKPT, 1, 4005, 14.5, 38.8, 77.9))),
        new PassStats(List.of(ok(ETCD, 1, 5702, 10, 29.2, 41))), Ratios.ETCD_TARGET);

    assertThat(row.throughput().pairs()).isZero();
    assertThat(row.throughput().value()).isCloseTo(4005 / 5702.0, within(1e-12));
    assertThat(row.p99().value()).isCloseTo(38.8 / 29.2, within(1e-12));
    assertThat(row.met()).isFalse();
    assertThat(MarkdownReport.ratio(row.throughput(), false)).isEqualTo("**0.70×**");
  }

  @Test
  void passesOfDifferentRunsAreNotPairedButTheirMediansCompared() {
    PassStats ckpt = new PassStats(List.of(ok(CKPT, 1, 4000, 10, 40, 60), ok(CKPT, 2, 6000, 10, 40, 60)));
    PassStats etcd = new PassStats(List.of(ok(ETCD, "r2", 1, 5000, 5, 20, 30)));

    Row row = Ratios.row(ckpt, etcd, Ratios.ETCD_TARGET);

    assertThat(row.throughput()).isEqualTo(Ratio.single(1.0));
    assertThat(MarkdownReport.ratio(row.throughput(), true))
        .isEqualTo("**1.00×** (of the medians: no run measured both in the same pass)");
  }

  @Test
  void theVerdictNeedsEveryRatioTheTargetNames() {
    assertThat(Ratios.ETCD_TARGET.met(Ratio.single(2.5), Ratio.single(Double.NaN))).isNull();
    assertThat(Ratios.ETCD_TARGET.met(Ratio.single(1.5), Ratio.single(Double.NaN))).isFalse();
    assertThat(Ratios.ETCD_TARGET.met(Ratio.single(2.5), Ratio.single(1.1))).isFalse();
    assertThat(Ratios.RATIS_TARGET.met(Ratio.single(0.9), Ratio.single(Double.NaN))).isTrue();
    assertThat(Ratios.COPY_TARGET.met(Ratio.single(0.49), Ratio.single(0.1))).isFalse();
  }
}
