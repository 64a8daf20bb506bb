package io.ckpt.harness.bench.report;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.CellResult.Latency;
import io.ckpt.harness.bench.results.CellResult.Status;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;

/** Hand-made passes of 1 KiB write cells with 20 s windows, for the report's tests. */
final class Passes {
  static final String RUN = "r3";

  private Passes() {}

  static Cell write(String system, Layout layout, int clients) {
    return new Cell(system, layout, Workload.WRITE, 1024, clients);
  }

  /** A pass of {@code run} that ran: {@code opsPerSecond} over 20 s, the given percentiles, no resources. */
  static CellResult ok(Cell cell, String run, int pass, long opsPerSecond, double p50, double p99, double p999) {
    long ops = opsPerSecond * 20;
    return new CellResult(cell, run, pass, Status.OK, null, cell.system() + " 1.0", 20, ops, 0, null, ops * 1024,
        new Latency(p50, p99, p999, p999 * 2, p50), ops, null, null);
  }

  static CellResult ok(Cell cell, int pass, long opsPerSecond, double p50, double p99, double p999) {
    return ok(cell, RUN, pass, opsPerSecond, p50, p99, p999);
  }

  static CellResult failed(Cell cell, int pass) {
    return CellResult.failed(cell, RUN, pass, null, "the target did not start: etcd: not found");
  }

  static CellResult skipped(Cell cell, int pass) {
    return CellResult.skipped(cell, RUN, pass, null, "1 clients × 1 KiB = 1 KiB in flight exceeds --max-in-flight 1");
  }
}
