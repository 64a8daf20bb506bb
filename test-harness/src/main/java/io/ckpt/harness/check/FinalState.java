package io.ckpt.harness.check;

import java.util.Map;

/**
 * A key as read after the faults healed, for {@link AckedWritesChecker}.
 *
 * @param latestVersion the latest version, 0 if the key was not found
 * @param retained version to value id of every version still retained (the latest included)
 */
public record FinalState(long latestVersion, Map<Long, Long> retained) {
  public FinalState {
    retained = Map.copyOf(retained);
  }

  /** A key that was not found. */
  public static FinalState absent() {
    return new FinalState(0, Map.of());
  }
}
