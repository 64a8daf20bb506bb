package io.ckpt.harness.bench.report;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The comparisons the benchmark issue sets targets for: ckpt against etcd for 1 KiB writes with
 * 64 clients (throughput and p99), and ckpt against the bare Ratis state machine for small
 * writes (ckpt's own overhead, same layout), and large ckpt writes against the rate of copying
 * the payload to three fsyncing replicas over loopback.
 */
final class Ratios {
  static final long ETCD_SIZE = 1024;
  static final int ETCD_CLIENTS = 64;
  /** Writes up to this size count as small. */
  static final long SMALL = 64 * 1024;
  /** Writes of at least this size are compared with the copy baseline. */
  static final long LARGE = 64L << 20;

  private Ratios() {}

  /**
   * ckpt's figures divided by a baseline's for one cell shape.
   *
   * @param throughput ckpt ops/s ÷ baseline ops/s (above 1: ckpt is faster)
   * @param p99 ckpt p99 ÷ baseline p99 (below 1: ckpt's tail is shorter)
   */
  record Row(CellResult ckpt, CellResult baseline, double throughput, double p99) {}

  /** ckpt (each layout measured) against etcd (3 processes), 1 KiB writes × 64 clients. */
  static List<Row> ckptVsEtcd(List<CellResult> results) {
    List<Row> rows = new ArrayList<>();
    Optional<CellResult> etcd = find(results, "etcd", Layout.PROCESSES, ETCD_SIZE, ETCD_CLIENTS);
    for (Layout l : Layout.values()) {
      Optional<CellResult> ckpt = find(results, "ckpt", l, ETCD_SIZE, ETCD_CLIENTS);
      if (ckpt.isPresent() && etcd.isPresent()) {
        rows.add(row(ckpt.get(), etcd.get()));
      }
    }
    return rows;
  }

  /** ckpt against bare Ratis in the same layout, for every small write cell both measured. */
  static List<Row> ckptVsRatis(List<CellResult> results) {
    List<Row> rows = new ArrayList<>();
    for (CellResult c : results) {
      Cell cell = c.cell();
      if (!cell.system().equals("ckpt") || cell.workload() != Workload.WRITE || cell.size() > SMALL || !c.ran()) {
        continue;
      }
      find(results, "ratis", cell.layout(), cell.size(), cell.clients()).ifPresent(r -> rows.add(row(c, r)));
    }
    rows.sort(java.util.Comparator.comparing((Row r) -> r.ckpt().cell().layout())
        .thenComparingLong(r -> r.ckpt().cell().size()).thenComparingInt(r -> r.ckpt().cell().clients()));
    return rows;
  }

  /**
   * ckpt (each layout) against the copy baseline (in this JVM) for writes of at least
   * {@link #LARGE}: the throughput ratio is the share of the machine's replicated-fsync rate
   * ckpt reaches (ops/s and MB/s ratios are the same at one size).
   */
  static List<Row> ckptVsCopy(List<CellResult> results) {
    List<Row> rows = new ArrayList<>();
    for (CellResult c : results) {
      Cell cell = c.cell();
      if (!cell.system().equals("ckpt") || cell.workload() != Workload.WRITE || cell.size() < LARGE || !c.ran()) {
        continue;
      }
      find(results, "copy", Layout.IN_JVM, cell.size(), cell.clients()).ifPresent(r -> rows.add(row(c, r)));
    }
    rows.sort(java.util.Comparator.comparing((Row r) -> r.ckpt().cell().layout())
        .thenComparingLong(r -> r.ckpt().cell().size()).thenComparingInt(r -> r.ckpt().cell().clients()));
    return rows;
  }

  private static Row row(CellResult ckpt, CellResult base) {
    double tp = base.opsPerSecond() > 0 ? ckpt.opsPerSecond() / base.opsPerSecond() : Double.NaN;
    double p99 = ckpt.latency() != null && base.latency() != null && base.latency().p99Ms() > 0
        ? ckpt.latency().p99Ms() / base.latency().p99Ms() : Double.NaN;
    return new Row(ckpt, base, tp, p99);
  }

  private static Optional<CellResult> find(List<CellResult> results, String system, Layout layout, long size,
      int clients) {
    return results.stream().filter(CellResult::ran).filter(r -> r.cell().equals(
        new Cell(system, layout, Workload.WRITE, size, clients))).reduce((a, b) -> b);
  }
}
