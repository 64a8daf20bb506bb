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
   * configuration at once instead of exploring it to the end. The default, true when a counter
   * is past the op's {@link #limit}, is safe if the counters and limits are.
   */
  default boolean expired(S state, Op op) {
    if (op.outcome() == Op.Outcome.UNKNOWN) {
      return false;
    }
    for (int c = 0; c < counters(); c++) {
      if (counter(state, c) > limit(op, c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many counters the state has that no step ever decreases (a version, an epoch), 0 by
   * default. With {@link #limit} and {@link #floor} they let the search prune a configuration as
   * soon as any op still to take effect can no longer do so, however late it was invoked.
   */
  default int counters() {
    return 0;
  }

  /** The value of counter {@code c} in {@code state}. */
  default long counter(S state, int c) {
    throw new IndexOutOfBoundsException("no counter " + c);
  }

  /** What counter {@code c} counts, for a failure report. */
  default String counterName(int c) {
    return "counter " + c;
  }

  /**
   * The largest value of counter {@code c} at which {@code op} can take effect
   * ({@code Long.MAX_VALUE}: any): past it an op with a reply can no longer take effect with its
   * recorded outcome, and an UNKNOWN op can no longer change the state (it can only be a no-op,
   * the same as never).
   */
  default long limit(Op op, int c) {
    return Long.MAX_VALUE;
  }

  /**
   * The least value counter {@code c} has once {@code op}, an op with a reply, has taken effect
   * ({@code Long.MIN_VALUE}: nothing known). An op that returned before another was invoked with
   * a {@link #limit} below it proves the history not linearizable.
   */
  default long floor(Op op, int c) {
    return Long.MIN_VALUE;
  }

  /**
   * The ops of one key to search, from all its recorded ops (FAIL ops already removed). A model
   * may drop ops it does not constrain and rewrite inputs that cannot change any step's result
   * (so that equivalent states compare equal). It may also rewrite an UNKNOWN op's inputs so
   * that it takes effect in fewer states, if every linearization in which it takes effect in
   * one of the others fails anyway. Op ids must be kept.
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
