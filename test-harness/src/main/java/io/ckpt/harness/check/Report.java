package io.ckpt.harness.check;

import java.util.List;

/**
 * A checker's conclusion: one line to print, and the details that explain a failure.
 *
 * @param checker short name, e.g. {@code linearizability}
 * @param summary one line: what was checked and what was found
 * @param details one entry per violation (or undecided key), possibly multi-line
 */
public record Report(String checker, Verdict verdict, String summary, List<String> details) {
  public Report {
    details = List.copyOf(details);
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }

  /** {@code checker VERDICT summary} on one line. */
  public String line() {
    return String.format("%-16s %-7s %s", checker, verdict, summary);
  }

  /** The line followed by every detail, indented. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(line());
    for (String d : details) {
      b.append("\n  ").append(d.replace("\n", "\n  "));
    }
    return b.toString();
  }
}
