package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Two ops with replies that prove a key's history not linearizable whatever the other ops did:
 * {@code before} returned before {@code after} was invoked, so it took effect first, and it left
 * a counter of the model ({@link Model#floor}) past the largest value at which {@code after} can
 * take effect ({@link Model#limit}); counters never decrease.
 *
 * @param counter the model's counter
 * @param floor the counter's least value once {@code before} has taken effect
 * @param limit the counter's largest value at which {@code after} can take effect
 */
record RealTimeWitness(Op before, Op after, int counter, long floor, long limit) {

  /**
   * The witness whose {@code after} was invoked first, or null if there is none. Linear after
   * sorting, per counter.
   */
  static RealTimeWitness find(Model<?> model, Op[] ops) {
    Op[] definite = Arrays.stream(ops).filter(op -> op.outcome() != Op.Outcome.UNKNOWN)
        .toArray(Op[]::new);
    Op[] byReturn = definite.clone();
    Arrays.sort(byReturn, Comparator.comparingLong(RealTimeWitness::returned));
    Op[] byCall = definite.clone();
    Arrays.sort(byCall, Comparator.comparingLong(Op::invokeNanos));
    RealTimeWitness first = null;
    for (int c = 0; c < model.counters(); c++) {
      int r = 0;
      Op highest = null;
      long floor = Long.MIN_VALUE;
      for (Op after : byCall) {
        if (first != null && after.invokeNanos() >= first.after().invokeNanos()) {
          break;
        }
        for (; r < byReturn.length && returned(byReturn[r]) < after.invokeNanos(); r++) {
          long f = model.floor(byReturn[r], c);
          if (f > floor) {
            floor = f;
            highest = byReturn[r];
          }
        }
        long limit = model.limit(after, c);
        if (highest != null && floor > limit) {
          first = new RealTimeWitness(highest, after, c, floor, limit);
          break;
        }
      }
    }
    return first;
  }

  private static long returned(Op op) {
    return Math.max(op.invokeNanos(), op.completeNanos());
  }

  /** The two ops and why they cannot both be linearized, times relative to {@code baseNanos}. */
  String describe(Model<?> model, Op beforeRecorded, Op afterRecorded, long baseNanos) {
    String name = model.counterName(counter);
    return "two ops prove it, whatever the others did:\n"
        + "  " + beforeRecorded.describe(baseNanos) + "\n"
        + "      returned before the next was invoked, leaving the " + name + " at " + floor
        + " or more\n"
        + "  " + afterRecorded.describe(baseNanos) + "\n"
        + "      can take effect only while the " + name + " is at most " + limit + ", and the "
        + name + " never decreases\n";
  }
}
