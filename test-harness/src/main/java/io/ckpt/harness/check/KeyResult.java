package io.ckpt.harness.check;

/**
 * The linearizability verdict for one key.
 *
 * @param ops the ops searched (after dropping FAIL ops, UNKNOWN reads and stale reads)
 * @param unknownOps how many of them are UNKNOWN (may or may not have taken effect)
 * @param steps search steps taken
 * @param explanation empty when linearizable; otherwise why not, or why undecided
 */
public record KeyResult(
    String key, Status status, int ops, int unknownOps, long steps, long millis,
    String explanation) {

  /** The outcome of the search for one key. */
  public enum Status {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The search budget ran out first. */
    UNKNOWN
  }

  public Verdict verdict() {
    return switch (status) {
      case LINEARIZABLE -> Verdict.PASS;
      case NOT_LINEARIZABLE -> Verdict.FAIL;
      case UNKNOWN -> Verdict.UNKNOWN;
    };
  }
}
