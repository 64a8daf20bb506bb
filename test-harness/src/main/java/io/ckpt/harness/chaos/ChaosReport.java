package io.ckpt.harness.chaos;

import io.ckpt.harness.check.Report;
import io.ckpt.harness.check.Verdict;
import io.ckpt.harness.history.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a chaos run did and what its checkers concluded.
 *
 * @param injected faults actually started (the plan may be cut short)
 * @param convergence how the healed cluster caught up
 * @param streamPortBytes bytes the nodes sent each other on their stream ports (0 without them)
 * @param streamRepairs per node, the streamed entries whose bytes it had to fetch from another node
 */
public record ChaosReport(ChaosOptions options, List<Op> ops, FaultPlan plan, List<String> timeline, int injected,
    String convergence, long streamPortBytes, Map<String, Integer> streamRepairs, List<Report> checks, Duration took) {
  public ChaosReport {
    streamRepairs = Map.copyOf(streamRepairs);
    ops = List.copyOf(ops);
    timeline = List.copyOf(timeline);
    checks = List.copyOf(checks);
  }

  /** FAIL if any checker failed, UNKNOWN if one could not decide, else PASS. */
  public Verdict verdict() {
    return checks.stream().map(Report::verdict).reduce(Verdict.PASS, Verdict::and);
  }

  /** Operations per kind and outcome, e.g. {@code PUT OK=1234 CONFLICT=56}. */
  public Map<String, Map<String, Long>> counts() {
    return counts(ops);
  }

  static Map<String, Map<String, Long>> counts(List<Op> ops) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Op op : ops) {
      out.computeIfAbsent(op.kind().name(), k -> new TreeMap<>()).merge(op.outcome().name(), 1L, Long::sum);
    }
    return out;
  }

  /** Faults injected per kind. */
  public Map<String, Long> faultsByKind() {
    return plan.faults().stream().limit(injected)
        .collect(Collectors.groupingBy(f -> f.kind().name().toLowerCase(java.util.Locale.ROOT), TreeMap::new,
            Collectors.counting()));
  }

  /** The summary printed at the end of a run and written to {@code summary.txt}. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("chaos run: %d nodes%s, %d clients, %d keys, seed %d, %s of operations (%s in all)%n",
        options.nodes(), options.streams() ? " with stream ports" : "", options.clients(), options.keys(),
        options.seed(), options.duration(), took));
    b.append(String.format("operations: %d%n", ops.size()));
    counts().forEach((kind, byOutcome) -> b.append(String.format("  %-10s %s%n", kind, byOutcome)));
    b.append(String.format("faults injected: %d %s%n", injected, faultsByKind()));
    if (options.streams()) {
      b.append(String.format("stream ports: the nodes sent each other %.1f MiB%n",
          streamPortBytes / (double) (1 << 20)));
      b.append("stream repairs: ").append(streamRepairs.isEmpty() ? "none"
          : new TreeMap<>(streamRepairs) + " (streamed entries applied with bytes fetched from another node)").append('\n');
    }
    b.append("convergence: ").append(convergence).append('\n');
    for (Report r : checks) {
      b.append(r).append('\n');
    }
    b.append("verdict: ").append(verdict()).append('\n');
    return b.toString();
  }
}
