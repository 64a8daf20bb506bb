package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Op.Kind;
import io.ckpt.harness.history.Op.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * No acknowledged write is lost: after the faults healed, every key's latest version is at
 * least the highest version a put was acknowledged with (OK), and every acknowledged version
 * still retained holds the value it was written with. Each lost write is reported. A key with
 * acknowledged puts but no {@link FinalState} makes the verdict UNKNOWN.
 */
public final class AckedWritesChecker {
  private AckedWritesChecker() {}

  /** Checks {@code history} against {@code finalStates} (by key). */
  public static Report check(List<Op> history, Map<String, FinalState> finalStates) {
    return check(history, finalStates, 0);
  }

  /**
   * As {@link #check(List, Map)}, and also requires every acknowledged version among the last
   * {@code retain} versions to be present in {@link FinalState#retained()} (0: no such check).
   */
  public static Report check(List<Op> history, Map<String, FinalState> finalStates,
      int retain) {
    long base = history.stream().mapToLong(Op::invokeNanos).min().orElse(0);
    List<Op> acked = history.stream()
        .filter(op -> op.kind() == Kind.PUT && op.outcome() == Outcome.OK)
        .sorted(Comparator.comparing(Op::key).thenComparingLong(Op::version))
        .toList();
    List<String> lost = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Op put : acked) {
      FinalState fin = finalStates.get(put.key());
      if (fin == null) {
        if (!missing.contains(put.key())) {
          missing.add(put.key());
        }
        continue;
      }
      String problem = null;
      Long kept = fin.retained().get(put.version());
      if (fin.latestVersion() < put.version()) {
        problem = "lost: acknowledged version " + put.version() + " but the final latest version"
            + " is " + fin.latestVersion();
      } else if (kept != null && kept != put.value()) {
        problem = "overwritten: acknowledged version " + put.version() + " with value "
            + put.value() + " but version " + put.version() + " now holds value " + kept;
      } else if (kept == null && retain > 0 && put.version() > fin.latestVersion() - retain) {
        problem = "missing: acknowledged version " + put.version() + " is among the last "
            + retain + " (latest " + fin.latestVersion() + ") but is not retained";
      }
      if (problem != null) {
        lost.add("key \"" + put.key() + "\": " + problem + "\n  put: " + put.describe(base));
      }
    }
    List<String> details = new ArrayList<>(lost);
    for (String key : missing) {
      details.add("key \"" + key + "\": no final state was read; its acknowledged writes are"
          + " unchecked");
    }
    Verdict v = !lost.isEmpty() ? Verdict.FAIL
        : missing.isEmpty() ? Verdict.PASS : Verdict.UNKNOWN;
    String summary = acked.size() + " acknowledged writes on " + finalStates.size()
        + " keys checked" + (lost.isEmpty() ? "" : ", " + lost.size() + " lost")
        + (missing.isEmpty() ? "" : ", " + missing.size() + " keys without a final state");
    return new Report("acked-writes", v, summary, details);
  }
}
