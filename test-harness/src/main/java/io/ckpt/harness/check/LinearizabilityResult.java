package io.ckpt.harness.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The linearizability verdict of a whole history: one {@link KeyResult} per key, in key order.
 */
public record LinearizabilityResult(List<KeyResult> keys, long millis) {
  public LinearizabilityResult {
    keys = List.copyOf(keys);
  }

  /** FAIL if any key is not linearizable, else UNKNOWN if any is undecided, else PASS. */
  public Verdict verdict() {
    Verdict v = Verdict.PASS;
    for (KeyResult k : keys) {
      v = v.and(k.verdict());
    }
    return v;
  }

  public boolean isLinearizable() {
    return verdict() == Verdict.PASS;
  }

  /** The keys that are not linearizable or undecided. */
  public List<KeyResult> problems() {
    return keys.stream().filter(k -> k.status() != KeyResult.Status.LINEARIZABLE).toList();
  }

  /** All explanations of the problem keys, one after another. */
  public String explanation() {
    StringBuilder b = new StringBuilder();
    for (KeyResult k : problems()) {
      b.append(k.explanation());
    }
    return b.toString();
  }

  public Report report() {
    int ops = 0;
    long steps = 0;
    List<String> bad = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    for (KeyResult k : keys) {
      ops += k.ops();
      steps += k.steps();
      if (k.status() == KeyResult.Status.NOT_LINEARIZABLE) {
        bad.add(k.key());
      } else if (k.status() == KeyResult.Status.UNKNOWN) {
        undecided.add(k.key());
      }
    }
    StringBuilder s = new StringBuilder();
    s.append(keys.size()).append(" keys, ").append(ops).append(" ops, ").append(steps)
        .append(" steps, ").append(millis).append(" ms");
    if (!bad.isEmpty()) {
      s.append("; not linearizable: ").append(String.join(", ", bad));
    }
    if (!undecided.isEmpty()) {
      s.append("; undecided: ").append(String.join(", ", undecided));
    }
    return new Report("linearizability", verdict(), s.toString(),
        problems().stream().map(KeyResult::explanation).toList());
  }
}
