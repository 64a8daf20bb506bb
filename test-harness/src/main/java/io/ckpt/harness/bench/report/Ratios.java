package io.ckpt.harness.bench.report;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.CellResult.Latency;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The comparisons the benchmark issue sets targets for: ckpt against etcd for 1 KiB writes with
 * 64 clients (throughput and p99), and ckpt against the bare Ratis state machine for small
 * writes (ckpt's own overhead, same layout), and large ckpt writes against the rate of copying
 * the payload to three fsyncing replicas over loopback.
 *
 * <p>With several passes a ratio is taken per pass (pass i of ckpt against pass i of the
 * baseline, same run, both ran: the two ran minutes apart under the same machine load) and the
 * median of those is reported with their range; with one pass each it is the single ratio.
 */
final class Ratios {
  static final long ETCD_SIZE = 1024;
  static final int ETCD_CLIENTS = 64;
  /** Writes up to this size count as small. */
  static final long SMALL = 64 * 1024;
  /** Writes of at least this size are compared with the copy baseline. */
  static final long LARGE = 64L << 20;
  /** At least twice etcd's throughput, with a p99 no longer than etcd's. */
  static final Target ETCD_TARGET = new Target(2.0, 1.0);
  /** At least 90 % of bare Ratis's throughput. */
  static final Target RATIS_TARGET = new Target(0.9, Double.POSITIVE_INFINITY);
  /** At least half the rate of copying the payload to 3 fsyncing replicas. */
  static final Target COPY_TARGET = new Target(0.5, Double.POSITIVE_INFINITY);

  private Ratios() {}

  /**
   * What the issue asks of one comparison.
   *
   * @param minThroughput the throughput ratio must be at least this
   * @param maxP99 the p99 ratio must be at most this (infinite: no latency target)
   */
  record Target(double minThroughput, double maxP99) {
    /** Whether the (median) ratios meet it; null when a ratio it needs is unknown. */
    Boolean met(Ratio throughput, Ratio p99) {
      Boolean fast = Double.isNaN(throughput.value()) ? null : throughput.value() >= minThroughput;
      Boolean tail = Double.isInfinite(maxP99) ? Boolean.TRUE
          : Double.isNaN(p99.value()) ? null : p99.value() <= maxP99;
      if (Boolean.FALSE.equals(fast) || Boolean.FALSE.equals(tail)) {
        return false;
      }
      return fast == null || tail == null ? null : true;
    }
  }

  /**
   * ckpt's figure divided by a baseline's.
   *
   * @param value the ratio; with paired passes the median of the per-pass ratios
   * @param min the smallest per-pass ratio ({@code value} when not paired)
   * @param max the largest per-pass ratio ({@code value} when not paired)
   * @param pairs passes paired; 0 when not paired: the single ratio of one pass each, or the ratio of
   *     the medians when no pass of one run measured both
   */
  record Ratio(double value, double min, double max, int pairs) {
    static Ratio single(double value) {
      return new Ratio(value, value, value, 0);
    }

    /** The median and range of per-pass ratios, unknown (NaN) ones left out. */
    static Ratio perPass(List<Double> ratios) {
      List<Double> known = ratios.stream().filter(r -> !Double.isNaN(r)).toList();
      if (known.isEmpty()) {
        return single(Double.NaN);
      }
      return new Ratio(PassStats.median(known), known.stream().mapToDouble(d -> d).min().orElseThrow(),
          known.stream().mapToDouble(d -> d).max().orElseThrow(), known.size());
    }
  }

  /**
   * ckpt against a baseline for one cell shape.
   *
   * @param throughput ckpt ops/s ÷ baseline ops/s (above 1: ckpt is faster)
   * @param p99 ckpt p99 ÷ baseline p99 (below 1: ckpt's tail is shorter)
   * @param met whether the median ratios meet the target (null: unknown)
   */
  record Row(PassStats ckpt, PassStats baseline, Ratio throughput, Ratio p99, Boolean met) {}

  /** A pass of ckpt and the same pass of the baseline, both run. */
  private record Pair(CellResult ckpt, CellResult baseline) {}

  /** ckpt (each layout measured) against etcd (3 processes), 1 KiB writes × 64 clients. */
  static List<Row> ckptVsEtcd(List<PassStats> results) {
    List<Row> rows = new ArrayList<>();
    Optional<PassStats> etcd = find(results, "etcd", Layout.PROCESSES, ETCD_SIZE, ETCD_CLIENTS);
    for (Layout l : Layout.values()) {
      Optional<PassStats> ckpt = find(results, "ckpt", l, ETCD_SIZE, ETCD_CLIENTS);
      if (ckpt.isPresent() && etcd.isPresent()) {
        rows.add(row(ckpt.get(), etcd.get(), ETCD_TARGET));
      }
    }
    return rows;
  }

  /** ckpt against bare Ratis in the same layout, for every small write cell both measured. */
  static List<Row> ckptVsRatis(List<PassStats> results) {
    List<Row> rows = new ArrayList<>();
    for (PassStats c : ckptWrites(results, "ckpt")) {
      Cell cell = c.cell();
      if (cell.size() <= SMALL) {
        find(results, "ratis", cell.layout(), cell.size(), cell.clients())
            .ifPresent(r -> rows.add(row(c, r, RATIS_TARGET)));
      }
    }
    return rows;
  }

  /**
   * ckpt (each layout) against the copy baseline (in this JVM) for writes of at least
   * {@link #LARGE}: the throughput ratio is the share of the machine's replicated-fsync rate
   * ckpt reaches (ops/s and MB/s ratios are the same at one size).
   */
  static List<Row> ckptVsCopy(List<PassStats> results) {
    List<Row> rows = new ArrayList<>();
    for (PassStats c : ckptWrites(results, "ckpt", "ckpt-stream")) {
      Cell cell = c.cell();
      if (cell.size() >= LARGE) {
        find(results, "copy", Layout.IN_JVM, cell.size(), cell.clients())
            .ifPresent(r -> rows.add(row(c, r, COPY_TARGET)));
      }
    }
    return rows;
  }

  /** The write cells of {@code systems} that ran, by system, layout, size, then clients. */
  private static List<PassStats> ckptWrites(List<PassStats> results, String... systems) {
    List<String> names = List.of(systems);
    return results.stream()
        .filter(s -> names.contains(s.cell().system()) && s.cell().workload() == Workload.WRITE && s.ran())
        .sorted(Comparator.comparing((PassStats s) -> s.cell().system()).thenComparing(s -> s.cell().layout())
            .thenComparingLong(s -> s.cell().size())
            .thenComparingInt(s -> s.cell().clients()))
        .toList();
  }

  static Row row(PassStats ckpt, PassStats base, Target target) {
    List<Pair> pairs = pairs(ckpt, base);
    ToDoubleFunction<CellResult> p99 = r -> PassStats.latency(r, Latency::p99Ms);
    Ratio tp;
    Ratio tail;
    if ((ckpt.several() || base.several()) && !pairs.isEmpty()) {
      tp = Ratio.perPass(pairs.stream().map(p -> div(p.ckpt().opsPerSecond(), p.baseline().opsPerSecond())).toList());
      tail = Ratio.perPass(pairs.stream().map(p -> div(p99.applyAsDouble(p.ckpt()), p99.applyAsDouble(p.baseline())))
          .toList());
    } else {
      tp = Ratio.single(div(ckpt.opsPerSecond(), base.opsPerSecond()));
      tail = Ratio.single(div(ckpt.median(p99), base.median(p99)));
    }
    return new Row(ckpt, base, tp, tail, target.met(tp, tail));
  }

  /** Passes of the same run and number that ran on both sides. */
  private static List<Pair> pairs(PassStats ckpt, PassStats base) {
    List<Pair> pairs = new ArrayList<>();
    for (CellResult c : ckpt.ranPasses()) {
      base.ranPasses().stream().filter(b -> b.run().equals(c.run()) && b.pass() == c.pass()).findFirst()
          .ifPresent(b -> pairs.add(new Pair(c, b)));
    }
    return pairs;
  }

  private static double div(double a, double b) {
    return b > 0 ? a / b : Double.NaN;
  }

  private static Optional<PassStats> find(List<PassStats> results, String system, Layout layout, long size,
      int clients) {
    Cell cell = new Cell(system, layout, Workload.WRITE, size, clients);
    return results.stream().filter(PassStats::ran).filter(s -> s.cell().equals(cell)).reduce((a, b) -> b);
  }
}
