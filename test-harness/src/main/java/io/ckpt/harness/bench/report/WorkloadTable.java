package io.ckpt.harness.bench.report;

import io.ckpt.client.util.Sizes;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.CellResult.Latency;
import io.ckpt.harness.bench.results.CellResult.Resources;
import io.ckpt.harness.bench.results.CellResult.Status;
import io.ckpt.harness.bench.results.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One workload's section of the report: its chart and a table with a row per cell. A cell of
 * several passes shows the median of every figure over the passes that ran, the number of passes
 * and the range of their ops/s; one of a single pass shows that pass's figures.
 */
final class WorkloadTable {
  /** Fewer operations than this in a window make its percentiles shaky: the table says so. */
  static final long FEW_OPS = 20;

  private WorkloadTable() {}

  static void render(StringBuilder md, Workload w, List<PassStats> rows) {
    md.append("## ").append(w.id()).append(": ").append(w.title()).append("\n\n");
    md.append("![").append(w.id()).append("](").append(ReportWriter.chartFile(w)).append(")\n\n");
    md.append("| system | layout | size | clients | ops/s | MB/s | p50 ms | p99 ms | p99.9 ms | heap MiB | RSS MiB "
        + "| disk/payload | device/payload | CPU % | notes |\n" + "|---".repeat(15) + "|\n");
    for (PassStats s : rows) {
      Cell c = s.cell();
      md.append("| ").append(c.system()).append(" | ").append(Cell.layoutName(c.layout())).append(" | ")
          .append(Sizes.format(c.size())).append(" | ").append(c.clients()).append(" | ");
      if (!s.ran()) {
        md.append("| | | | | | | | | | ").append(Fmt.cell(notes(s))).append(" |\n");
        continue;
      }
      boolean resources = s.ranPasses().stream().anyMatch(r -> r.resources() != null);
      md.append(ops(s)).append(" | ").append(Fmt.num(s.mbPerSecond())).append(" | ")
          .append(Fmt.num(s.latency(Latency::p50Ms))).append(" | ")
          .append(Fmt.num(s.latency(Latency::p99Ms))).append(" | ")
          .append(Fmt.num(s.latency(Latency::p999Ms))).append(" | ")
          .append(Fmt.mib(s.median(r -> resource(r, x -> largest(x.heapBytes()))))).append(" | ")
          .append(Fmt.mib(s.median(r -> resource(r, x -> largest(x.rssBytes()))))).append(" | ")
          .append(Fmt.num(s.median(r -> resource(r, x -> orNaN(x.diskPerPayload()))))).append(" | ")
          .append(Fmt.num(s.median(r -> resource(r, x -> orNaN(x.devicePerPayload()))))).append(" | ")
          .append(!resources ? Fmt.NONE : String.format(Locale.ROOT, "%.0f / %.0f",
              s.median(r -> resource(r, Resources::jvmCpuPercent)),
              s.median(r -> resource(r, Resources::machineCpuPercent))).replace("NaN", "?")).append(" | ")
          .append(Fmt.cell(notes(s))).append(" |\n");
    }
    md.append('\n');
  }

  /**
   * The median ops/s; with several passes followed by how many ran and their range, e.g.
   * {@code 5,861 (3 passes, 4,005–8,412)}.
   */
  static String ops(PassStats s) {
    String median = Fmt.num(s.opsPerSecond());
    if (!s.several()) {
      return median;
    }
    int ran = s.ranPasses().size();
    String passes = ran == s.passes().size() ? ran + " passes" : ran + " of " + s.passes().size() + " passes";
    return ran == 1 ? median + " (" + passes + ")"
        : median + " (" + passes + ", " + Fmt.num(s.minOpsPerSecond()) + "–" + Fmt.num(s.maxOpsPerSecond()) + ")";
  }

  private static double resource(CellResult r, ToDoubleFunction<Resources> figure) {
    return r.resources() == null ? Double.NaN : figure.applyAsDouble(r.resources());
  }

  /** The largest of per-node figures, NaN when none is known. */
  private static double largest(List<Long> perNode) {
    return perNode == null ? Double.NaN
        : perNode.stream().filter(Objects::nonNull).mapToDouble(Long::doubleValue).max().orElse(Double.NaN);
  }

  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  /**
   * The notes of a cell: those of its pass, or with several passes each distinct note once,
   * prefixed with the passes it applies to ({@code pass 2: **failed**: ...}).
   */
  static String notes(PassStats s) {
    if (!s.several()) {
      return notes(s.passes().get(0));
    }
    Map<String, List<Integer>> passes = new LinkedHashMap<>();
    for (CellResult r : s.passes()) {
      String n = notes(r);
      if (!n.isEmpty()) {
        passes.computeIfAbsent(n, k -> new ArrayList<>()).add(r.pass());
      }
    }
    List<String> out = new ArrayList<>();
    passes.forEach((note, which) -> out.add(passes(which, s.passes().size()) + ": " + note));
    return String.join("; ", out);
  }

  /** {@code pass 2}, {@code passes 1, 3} or {@code all 3 passes}. */
  private static String passes(List<Integer> which, int of) {
    if (which.size() == of) {
      return "all " + of + " passes";
    }
    return which.size() == 1 ? "pass " + which.get(0)
        : "passes " + which.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /** Skips, failures, errors, thin samples and the mixed workload's writes, of one pass. */
  static String notes(CellResult r) {
    if (r.status() == Status.SKIPPED) {
      return "skipped: " + r.reason();
    }
    if (r.status() == Status.FAILED) {
      return "**failed**: " + r.reason();
    }
    List<String> n = new ArrayList<>();
    if (r.errors() > 0) {
      n.add("**" + r.errors() + " errors** of " + (r.ops() + r.errors()) + " calls"
          + (r.firstError() == null ? "" : " (first: " + r.firstError() + ")"));
    }
    if (r.ops() == 0) {
      n.add("no operation completed in the window (a longer --duration may)");
    } else if (r.ops() < FEW_OPS) {
      n.add("only " + r.ops() + " ops");
    }
    if (r.writeLatency() != null) {
      n.add("writes: " + r.writeOps() + " of " + r.ops() + " ops in the window, p99 " + Fmt.num(r.writeLatency().p99Ms())
          + " ms");
    }
    if (r.reason() != null) {
      n.add(r.reason());
    }
    return String.join("; ", n);
  }
}
