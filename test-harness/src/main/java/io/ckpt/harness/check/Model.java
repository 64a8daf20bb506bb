package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import java.util.List;

/**
 * The sequential specification the linearizability search checks a key's ops against.
 *
 * @param <S> an immutable state with value {@code equals}/{@code hashCode} (the search memoizes
 *     on it)
 */
public interface Model<S> {
  /** The state of a key nobody has touched. */
  S initial();

  /**
   * The state after {@code op} takes effect in {@code state}, or null if its recorded outcome and
   * outputs are impossible there. For an op whose outcome is {@link Op.Outcome#UNKNOWN} the
   * outputs are not known: the result must depend only on the op's inputs.
   */
  S step(S state, Op op);

  /**
   * True if {@code op} can take effect neither in {@code state} nor in any state reachable from
   * it (e.g. it reports a version the key has already passed). The search then abandons the
   * configuration at once instead of exploring it to the end. The default, false, is always
   * safe.
   */
  default boolean expired(S state, Op op) {
    return false;
  }

  /**
   * The ops of one key to search, from all its recorded ops (FAIL ops already removed). A model
   * may drop ops it does not constrain and rewrite inputs that cannot change any step's result
   * (so that equivalent states compare equal). Op ids must be kept.
   */
  default List<Op> prepare(List<Op> ops) {
    return ops;
  }

  /** Why {@link #step} rejects {@code op} in {@code state}, for a failure report. */
  default String explain(S state, Op op) {
    return "impossible in state " + describe(state);
  }

  /** The state for a failure report. */
  default String describe(S state) {
    return String.valueOf(state);
  }
}
