package io.ckpt.harness.bench.report;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.CellResult.Latency;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One cell's results from the latest run that measured it, one per pass (see {@code ckpt bench
 * --passes}), and the medians the report shows: each figure is the median over the passes that
 * ran, on its own (the median ops/s and the median p99 may come from different passes). With one
 * pass every median is that pass's figure.
 */
public final class PassStats {
  private final Cell cell;
  private final List<CellResult> passes;
  private final List<CellResult> ran;

  /** @param passes one cell's results, one per pass, in pass order (at least one) */
  public PassStats(List<CellResult> passes) {
    if (passes.isEmpty()) {
      throw new IllegalArgumentException("a cell needs at least one result");
    }
    this.cell = passes.get(0).cell();
    if (passes.stream().anyMatch(r -> !r.cell().equals(cell))) {
      throw new IllegalArgumentException("results of different cells: " + passes);
    }
    this.passes = List.copyOf(passes);
    this.ran = this.passes.stream().filter(CellResult::ran).toList();
  }

  /** One per cell of {@code byCell} (e.g. {@code ResultsFile.latestRun}), in its order. */
  public static List<PassStats> of(Map<Cell, List<CellResult>> byCell) {
    return byCell.values().stream().map(PassStats::new).toList();
  }

  public Cell cell() {
    return cell;
  }

  /** Every pass recorded, run or not, in pass order. */
  public List<CellResult> passes() {
    return passes;
  }

  /** The passes that ran (with or without errors). */
  public List<CellResult> ranPasses() {
    return ran;
  }

  /** Whether any pass ran. */
  public boolean ran() {
    return !ran.isEmpty();
  }

  /** Whether more than one pass was recorded: the report then gives counts and ranges. */
  public boolean several() {
    return passes.size() > 1;
  }

  /** Whether an operation failed in any pass that ran. */
  public boolean errors() {
    return ran.stream().anyMatch(r -> r.errors() > 0);
  }

  public double opsPerSecond() {
    return median(CellResult::opsPerSecond);
  }

  public double minOpsPerSecond() {
    return ran.stream().mapToDouble(CellResult::opsPerSecond).min().orElse(Double.NaN);
  }

  public double maxOpsPerSecond() {
    return ran.stream().mapToDouble(CellResult::opsPerSecond).max().orElse(Double.NaN);
  }

  public double mbPerSecond() {
    return median(CellResult::mbPerSecond);
  }

  /** The median of a latency percentile ({@code Latency::p99Ms}, ...); NaN when no operation completed. */
  public double latency(ToDoubleFunction<Latency> percentile) {
    return median(r -> latency(r, percentile));
  }

  /** A latency percentile of one result, NaN when no operation completed. */
  static double latency(CellResult r, ToDoubleFunction<Latency> percentile) {
    return r.latency() == null ? Double.NaN : percentile.applyAsDouble(r.latency());
  }

  /**
   * The median of a figure over the passes that ran, leaving out those where it is unknown
   * ({@code NaN}); NaN when no pass has it.
   */
  public double median(ToDoubleFunction<CellResult> figure) {
    return median(ran.stream().map(figure::applyAsDouble).toList());
  }

  /**
   * The median of {@code values} leaving out NaNs (the mean of the middle two for an even count);
   * NaN when none is left.
   */
  static double median(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
