package io.ckpt.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The search, with all its shortcuts, agrees with a plain enumeration of every order on
 * thousands of small random histories, valid ones and ones with one output altered; and two ops
 * that prove a history not linearizable ({@link RealTimeWitness}) are never found in one that
 * is.
 */
class BruteForceComparisonTest {
  private static final RegisterModel MODEL = new RegisterModel();

  @Test
  void searchAgreesWithEnumeration() {
    Random random = new Random(7);
    compare(5_000, random, () -> RegisterSimulation.run(random.nextLong(), 2 + random.nextInt(3),
        2 + random.nextInt(2), 1, 0.3));
  }

  /**
   * The chaos workload's mix: acquires by owners no other op names (mostly forced), puts with
   * an epoch or an expected version, many UNKNOWN writes, reads of UNKNOWN puts' values; the
   * mutations also make an owner named twice or drop a force.
   */
  @Test
  void searchAgreesWithEnumerationOnChaosWorkload() {
    Random random = new Random(11);
    compare(20_000, random, () -> RegisterSimulation.runChaos(random.nextLong(),
        2 + random.nextInt(3), 2 + random.nextInt(3), 1, 0.2 + 0.4 * random.nextDouble()));
  }

  private static void compare(int cases, Random random, Supplier<List<Op>> histories) {
    LinearizabilityChecker checker = new LinearizabilityChecker().withThreads(1);
    int rejected = 0;
    int witnessed = 0;
    for (int c = 0; c < cases; c++) {
      List<Op> ops = histories.get();
      if (random.nextInt(3) > 0) {
        ops = mutate(ops, random);
      }
      boolean expected = enumerate(keyOps(ops), MODEL.initial(), new HashSet<>());
      LinearizabilityResult r = checker.check(ops);
      assertThat(r.isLinearizable())
          .as("case %d, history:\n%s\n%s", c, describe(ops), r.explanation())
          .isEqualTo(expected);
      if (RealTimeWitness.find(MODEL, keyOps(ops).toArray(new Op[0])) != null) {
        assertThat(expected).as("two ops prove case %d not linearizable:\n%s", c, describe(ops))
            .isFalse();
        witnessed++;
      }
      rejected += expected ? 0 : 1;
    }
    System.out.printf("%d of %d random histories not linearizable, %d proven by two ops%n",
        rejected, cases, witnessed);
    // both verdicts were exercised
    assertThat(rejected).isBetween(cases / 10, cases - cases / 10);
  }

  /** The ops the linearizability check is about: no FAIL, no stale reads, no UNKNOWN reads. */
  private static List<Op> keyOps(List<Op> ops) {
    return ops.stream()
        .filter(op -> op.outcome() != Op.Outcome.FAIL && op.kind() != Op.Kind.STALE_READ)
        .filter(op -> op.kind() != Op.Kind.READ || op.outcome() != Op.Outcome.UNKNOWN)
        .toList();
  }

  /**
   * True if the remaining ops can all be ordered from {@code state}; {@code failed} holds the
   * (remaining ops, state) pairs already found not to be (the answer depends on nothing else).
   */
  private static boolean enumerate(List<Op> remaining, RegisterModel.State state,
      Set<List<Object>> failed) {
    if (remaining.stream().allMatch(op -> op.outcome() == Op.Outcome.UNKNOWN)) {
      return true; // UNKNOWN ops may never take effect
    }
    if (failed.contains(List.of(remaining, state))) {
      return false;
    }
    long deadline = remaining.stream().filter(op -> op.outcome() != Op.Outcome.UNKNOWN)
        .mapToLong(Op::completeNanos).min().orElse(Long.MAX_VALUE);
    for (Op op : remaining) {
      if (op.invokeNanos() > deadline) {
        continue; // some op returned before this one was invoked: it must come first
      }
      RegisterModel.State next = MODEL.step(state, op);
      if (next == null) {
        continue;
      }
      List<Op> rest = new ArrayList<>(remaining);
      rest.remove(op);
      if (enumerate(rest, next, failed)) {
        return true;
      }
    }
    failed.add(List.of(remaining, state));
    return false;
  }

  /** Alters one output, the outcome, the times or an input of one op. */
  private static List<Op> mutate(List<Op> ops, Random random) {
    List<Op> out = new ArrayList<>(ops);
    int i = random.nextInt(out.size());
    Op o = out.get(i);
    int delta = random.nextBoolean() ? 1 : -1;
    int kinds = o.kind() == Op.Kind.PUT ? 8 : o.kind() == Op.Kind.ACQUIRE ? 7 : 5;
    Op m = switch (random.nextInt(kinds)) {
      case 0 -> copy(o, o.outcome(), o.version() + delta, o.readValue(), o.outEpoch());
      case 1 -> copy(o, o.outcome(), o.version(), o.readValue() + delta, o.outEpoch());
      case 2 -> copy(o, o.outcome(), o.version(), o.readValue(), o.outEpoch() + delta);
      case 3 -> copy(o, Op.Outcome.values()[random.nextInt(5)], o.version(), o.readValue(),
          o.outEpoch());
      case 4 -> shift(o, random.nextInt(400_000) - 200_000);
      // inputs: another call, or another owner's
      case 5 -> o.kind() == Op.Kind.ACQUIRE
          ? acquire(o, ops.get(random.nextInt(ops.size())).owner(), o.force())
          : put(o, o.expectVersion() == Op.NONE ? random.nextInt(3) : o.expectVersion() + delta,
              o.epoch());
      case 6 -> o.kind() == Op.Kind.ACQUIRE ? acquire(o, o.owner(), !o.force())
          : put(o, o.expectVersion(), o.epoch() == Op.NONE ? random.nextInt(3)
              : o.epoch() + delta);
      default -> o.withValue(ops.get(random.nextInt(ops.size())).value()); // written twice
    };
    out.set(i, m);
    return out;
  }

  private static Op copy(Op o, Op.Outcome outcome, long version, long readValue, long outEpoch) {
    long complete = o.outcome() == Op.Outcome.UNKNOWN && outcome != Op.Outcome.UNKNOWN
        ? o.invokeNanos() + 1_000 : o.completeNanos();
    return new Op(o.id(), o.client(), o.key(), o.kind(), o.invokeNanos(), complete, o.value(),
        o.expectVersion(), o.epoch(), o.owner(), o.force(), outcome, version, o.revision(),
        readValue, outEpoch, o.appliedRevision(), o.node(), o.error());
  }

  /** The PUT {@code o} with other inputs (it was another call). */
  private static Op put(Op o, long expectVersion, long epoch) {
    return new Op(o.id(), o.client(), o.key(), o.kind(), o.invokeNanos(), o.completeNanos(),
        o.value(), Math.max(Op.NONE, expectVersion), Math.max(Op.NONE, epoch), o.owner(),
        o.force(), o.outcome(), o.version(), o.revision(), o.readValue(), o.outEpoch(),
        o.appliedRevision(), o.node(), o.error());
  }

  /** The ACQUIRE {@code o} by {@code owner} (another op's, perhaps), with or without force. */
  private static Op acquire(Op o, String owner, boolean force) {
    return new Op(o.id(), o.client(), o.key(), o.kind(), o.invokeNanos(), o.completeNanos(),
        o.value(), o.expectVersion(), o.epoch(), owner.isEmpty() ? o.owner() : owner, force,
        o.outcome(), o.version(), o.revision(), o.readValue(), o.outEpoch(), o.appliedRevision(),
        o.node(), o.error());
  }

  /** The op invoked (and completed) {@code nanos} later. */
  private static Op shift(Op o, long nanos) {
    long complete = o.completeNanos() == Long.MAX_VALUE ? Long.MAX_VALUE
        : o.completeNanos() + nanos;
    return new Op(o.id(), o.client(), o.key(), o.kind(), o.invokeNanos() + nanos, complete,
        o.value(), o.expectVersion(), o.epoch(), o.owner(), o.force(), o.outcome(), o.version(),
        o.revision(), o.readValue(), o.outEpoch(), o.appliedRevision(), o.node(), o.error());
  }

  private static String describe(List<Op> ops) {
    StringBuilder b = new StringBuilder();
    for (Op op : ops) {
      b.append("  ").append(op.describe(0)).append('\n');
    }
    return b.toString();
  }
}
