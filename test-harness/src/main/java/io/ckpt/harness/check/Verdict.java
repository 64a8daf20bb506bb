package io.ckpt.harness.check;

/** What a checker concluded about a history. */
public enum Verdict {
  /** The history keeps the property. */
  PASS,
  /** The history breaks the property; the report says where. */
  FAIL,
  /** The checker could not decide (search budget exhausted, input missing). */
  UNKNOWN;

  /** The more severe of two verdicts: FAIL over UNKNOWN over PASS. */
  public Verdict and(Verdict other) {
    if (this == FAIL || other == FAIL) {
      return FAIL;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : PASS;
  }
}
