package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The just-in-time linearization search of Wing and Gong with Lowe's memoization, over the ops
 * of one key.
 *
 * <p>Calls and returns of ops with a reply sit in one list sorted by time. At each
 * configuration the search tries to linearize an op whose call precedes the first remaining
 * return; if the model accepts it and the configuration (set of linearized ops, state) it leads
 * to was never reached before, the op is lifted out of the list and pushed on a stack. When no
 * op is left to try, the op on top of the stack is put back and the search tries the next one
 * after it. It succeeds when every op with a reply is linearized. Three reductions keep it
 * fast, each without changing the verdict:
 *
 * <ul>
 *   <li>An enabled op that does not change the state (a read, a conflict) can be linearized at
 *       once: it is not a choice, and backtracking goes straight past it.
 *   <li>A configuration is abandoned at once if an op that must still take effect no longer can
 *       ({@link Model#expired}), rather than when its return is reached. With a model's
 *       {@link Model#counters counters} (values no step decreases, such as a version) every op
 *       still to take effect is checked, in constant time: one tree per counter keeps the least
 *       {@link Model#limit} of the ops with replies not yet linearized. Without, the ops that can
 *       be linearized next are checked, and the next few invoked after them. So a violation late
 *       in the history (a READ that finds nothing, long after a put was acknowledged) is seen as
 *       soon as the counter passes it, not after every placement of the UNKNOWN ops before it.
 *   <li>UNKNOWN ops (in a list of their own: they have no return) may take effect at any point
 *       after their call, or never. They are tried only after the ops with replies, only where
 *       they change the state (a no-op is the same as never), and among UNKNOWN ops with the
 *       same inputs only in invocation order (any other choice has an equivalent one with the
 *       earlier-invoked twin). The model makes interchangeable ones alike ({@link Model#prepare}).
 *   <li>In the memo, an UNKNOWN op that can no longer change the state (a counter is past its
 *       limit) counts as linearized whether it was or not: what can follow is the same.
 * </ul>
 */
final class KeySearch<S> {
  private static final int DEFINITE = 1;
  private static final int UNKNOWN = 2;
  private static final int LOOKAHEAD = 32;

  private final Model<S> model;
  private final Op[] ops;
  private final boolean[] definite;
  private final int[] bitIndex;
  private final int[] twinBefore;
  private final int nDefinite;
  private final int head;
  private final int unknownHead;
  private final int[] entryOp;
  private final boolean[] entryIsCall;
  private final long[] entryTime;
  private final int[] next;
  private final int[] prev;
  private final int[] callEntry;
  private final int[] returnEntry;
  private final LinearizedSet linearizedSet;
  private final int counters;
  private final int leaves;
  private final long[][] definiteLimit;
  private final long[][] minLimit;
  private final int[] boundedUnknown;
  private final long[][] unknownLimit;
  private final long[] counterValue;
  private int scanPass;
  private int scanEntry;
  private S scanState;

  /**
   * An op on the stack: the state before and after it, how many ops with replies are
   * linearized with it, and where the scan found it ({@code pass}, {@code entry}), to resume
   * after it; a {@code forced} op was no choice. Frames are immutable: keeping a frame keeps
   * the prefix that ends with it.
   */
  record Frame(Frame parent, int op, Object before, Object after, int linearized,
      boolean forced, int pass, int entry) {}

  /** How a search ended: {@code status} null when the budget ran out. */
  record Outcome(KeyResult.Status status, long steps, Frame best, Op[] ops) {}

  KeySearch(Model<S> model, List<Op> keyOps) {
    this.model = model;
    this.ops = keyOps.toArray(new Op[0]);
    Arrays.sort(ops, Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    int n = ops.length;
    definite = new boolean[n];
    bitIndex = new int[n];
    twinBefore = new int[n];
    int d = 0;
    int u = 0;
    Map<List<Object>, Integer> lastTwin = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Op op = ops[i];
      definite[i] = op.outcome() != Op.Outcome.UNKNOWN;
      bitIndex[i] = definite[i] ? d++ : u++;
      Integer twin = definite[i] ? null : lastTwin.put(List.of(op.kind(), op.value(),
          op.expectVersion(), op.epoch(), op.owner(), op.force()), i);
      twinBefore[i] = twin == null ? -1 : twin;
    }
    nDefinite = d;
    linearizedSet = new LinearizedSet(d, u);

    int m = n + d;
    head = m;
    unknownHead = m + 1;
    entryOp = new int[m];
    entryIsCall = new boolean[m];
    entryTime = new long[m];
    callEntry = new int[n];
    returnEntry = new int[n];
    Arrays.fill(returnEntry, -1);
    int e = 0;
    for (int i = 0; i < n; i++) {
      entryOp[e] = i;
      entryIsCall[e] = true;
      entryTime[e] = ops[i].invokeNanos();
      callEntry[i] = e++;
      if (definite[i]) {
        entryOp[e] = i;
        entryTime[e] = Math.max(ops[i].invokeNanos(), ops[i].completeNanos());
        returnEntry[i] = e++;
      }
    }
    // by time; at equal times calls first (treated as concurrent), then in op order
    Integer[] order = new Integer[m];
    Arrays.setAll(order, k -> k);
    Arrays.sort(order, Comparator.<Integer>comparingLong(k -> entryTime[k])
        .thenComparing(k -> !entryIsCall[k])
        .thenComparingInt(k -> entryOp[k]));
    next = new int[m + 2];
    prev = new int[m + 2];
    int last = head;
    int lastUnknown = unknownHead;
    for (int k : order) {
      if (definite[entryOp[k]]) {
        next[last] = k;
        prev[k] = last;
        last = k;
      } else {
        next[lastUnknown] = k;
        prev[k] = lastUnknown;
        lastUnknown = k;
      }
    }
    next[last] = -1;
    next[lastUnknown] = -1;

    counters = model.counters();
    counterValue = new long[counters];
    int leafCount = 1;
    while (leafCount < Math.max(1, d)) {
      leafCount <<= 1;
    }
    leaves = leafCount;
    definiteLimit = new long[counters][d];
    minLimit = new long[counters][2 * leaves];
    List<Integer> bounded = new ArrayList<>();
    for (int c = 0; c < counters; c++) {
      Arrays.fill(minLimit[c], Long.MAX_VALUE);
    }
    for (int i = 0; i < n; i++) {
      boolean limited = false;
      for (int c = 0; c < counters; c++) {
        long limit = model.limit(ops[i], c);
        limited |= limit != Long.MAX_VALUE;
        if (definite[i]) {
          definiteLimit[c][bitIndex[i]] = limit;
          minLimit[c][leaves + bitIndex[i]] = limit;
        }
      }
      if (!definite[i] && limited) {
        bounded.add(i);
      }
    }
    for (int c = 0; c < counters; c++) {
      for (int k = leaves - 1; k >= 1; k--) {
        minLimit[c][k] = Math.min(minLimit[c][2 * k], minLimit[c][2 * k + 1]);
      }
    }
    boundedUnknown = bounded.stream().mapToInt(Integer::intValue).toArray();
    unknownLimit = new long[boundedUnknown.length][counters];
    for (int k = 0; k < boundedUnknown.length; k++) {
      for (int c = 0; c < counters; c++) {
        unknownLimit[k][c] = model.limit(ops[boundedUnknown[k]], c);
      }
    }
  }

  int unknownOps() {
    return ops.length - nDefinite;
  }

  boolean isDefinite(int i) {
    return definite[i];
  }

  /** Searches until decided, {@code maxSteps} steps or {@code deadlineNanos}. */
  Outcome run(long maxSteps, long deadlineNanos, int memoCapacity) {
    Memo seen = new Memo(memoCapacity);
    S state = model.initial();
    Frame top = null;
    Frame best = null;
    int linearized = 0;
    long steps = 0;
    boolean fresh = true;
    while (linearized < nDefinite) {
      if (++steps > maxSteps
          || ((steps & 0xfff) == 0 && System.nanoTime() - deadlineNanos > 0)) {
        return new Outcome(null, steps, best, ops);
      }
      int chosen = -1;
      boolean forced = false;
      if (fresh) {
        // dead if an op that must still take effect no longer can (with counters: any such op,
        // however late invoked); else an enabled op that changes nothing goes first, and
        // nothing else needs trying here
        boolean dead = pastSomeLimit(state);
        int x = next[head];
        for (; x >= 0 && entryIsCall[x] && !dead; x = next[x]) {
          int i = entryOp[x];
          S s = model.step(state, ops[i]);
          if (s == null) {
            dead = model.expired(state, ops[i]);
          } else if (!forced && s.equals(state)) {
            chosen = i;
            scanState = s;
            forced = true;
          }
        }
        // without counters, ops invoked later must take effect too: look a little ahead
        for (int k = 0; counters == 0 && k < LOOKAHEAD && x >= 0 && !dead; x = next[x]) {
          if (entryIsCall[x]) {
            dead = model.expired(state, ops[entryOp[x]]);
            k++;
          }
        }
        if (dead) {
          chosen = -1;
        } else if (forced) {
          set(chosen);
          if (!seen.add(memoKey(scanState), scanState)) {
            clear(chosen); // reached before, and failed: so does this configuration
            chosen = -1;
          }
        } else {
          scanPass = DEFINITE;
          scanEntry = next[head];
          chosen = scan(state, seen);
        }
      } else {
        chosen = scan(state, seen);
      }
      if (chosen >= 0) {
        lift(chosen);
        linearized += definite[chosen] ? 1 : 0;
        top = new Frame(top, chosen, state, scanState, linearized, forced, scanPass,
            callEntry[chosen]);
        if (best == null || linearized > best.linearized()) {
          best = top;
        }
        state = scanState;
        fresh = true;
        continue;
      }
      // backtrack to the last choice, and resume the scan after it
      while (true) {
        if (top == null) {
          return new Outcome(KeyResult.Status.NOT_LINEARIZABLE, steps, best, ops);
        }
        Frame f = top;
        top = f.parent();
        clear(f.op());
        unlift(f.op());
        linearized -= definite[f.op()] ? 1 : 0;
        @SuppressWarnings("unchecked")
        S before = (S) f.before();
        state = before;
        if (!f.forced()) {
          scanPass = f.pass();
          scanEntry = next[f.entry()];
          fresh = false;
          break;
        }
      }
    }
    return new Outcome(KeyResult.Status.LINEARIZABLE, steps, best, ops);
  }

  /**
   * Continues the scan from the cursor: ops with replies whose call precedes the first
   * remaining return, then UNKNOWN ops invoked by then. An op qualifies if it changes the state
   * to a configuration not reached before.
   *
   * @return the op (its state in {@link #scanState}), or -1 when none is left
   */
  private int scan(S state, Memo seen) {
    int e = scanEntry;
    long windowEnd = Long.MAX_VALUE;
    if (scanPass == UNKNOWN) {
      windowEnd = windowEnd();
    }
    while (true) {
      boolean inWindow = scanPass == DEFINITE ? e >= 0 && entryIsCall[e]
          : e >= 0 && entryTime[e] <= windowEnd;
      if (!inWindow) {
        if (scanPass == UNKNOWN) {
          return -1;
        }
        scanPass = UNKNOWN;
        windowEnd = e >= 0 ? entryTime[e] : Long.MAX_VALUE;
        e = next[unknownHead];
        continue;
      }
      int i = entryOp[e];
      if (definite[i] || twinBefore[i] < 0 || isSet(twinBefore[i])) {
        S s = model.step(state, ops[i]);
        if (s != null && !s.equals(state)) {
          set(i);
          if (seen.add(memoKey(s), s)) {
            scanState = s;
            return i;
          }
          clear(i);
        }
      }
      e = next[e];
    }
  }

  /** True if a counter of {@code state} is past the limit of an op with a reply still to go. */
  private boolean pastSomeLimit(S state) {
    for (int c = 0; c < counters; c++) {
      if (model.counter(state, c) > minLimit[c][1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The memo key of the linearized set with {@code state}: UNKNOWN ops that can no longer
   * change the state (a counter is past their limit) count as linearized. Whether such an op
   * was linearized or not makes no difference to what can follow: the search never linearizes
   * an op that changes nothing, and in any linearization it is the same as never.
   */
  private long[] memoKey(S state) {
    long[] key = linearizedSet.key();
    if (boundedUnknown.length == 0) {
      return key;
    }
    for (int c = 0; c < counters; c++) {
      counterValue[c] = model.counter(state, c);
    }
    for (int k = 0; k < boundedUnknown.length; k++) {
      int i = boundedUnknown[k];
      for (int c = 0; c < counters; c++) {
        if (counterValue[c] > unknownLimit[k][c]) {
          LinearizedSet.markUnknown(key, bitIndex[i]);
          break;
        }
      }
    }
    return key;
  }

  /** Sets the limit of definite op {@code i} in the trees ({@code Long.MAX_VALUE}: lifted). */
  private void setLimits(int i, boolean lifted) {
    int leaf = leaves + bitIndex[i];
    for (int c = 0; c < counters; c++) {
      long[] tree = minLimit[c];
      tree[leaf] = lifted ? Long.MAX_VALUE : definiteLimit[c][bitIndex[i]];
      for (int k = leaf >>> 1; k >= 1; k >>>= 1) {
        tree[k] = Math.min(tree[2 * k], tree[2 * k + 1]);
      }
    }
  }

  /** The time of the first remaining return. */
  private long windowEnd() {
    int e = next[head];
    while (e >= 0 && entryIsCall[e]) {
      e = next[e];
    }
    return e >= 0 ? entryTime[e] : Long.MAX_VALUE;
  }

  private boolean isSet(int i) {
    return linearizedSet.contains(definite[i], bitIndex[i]);
  }

  private void set(int i) {
    linearizedSet.add(definite[i], bitIndex[i]);
  }

  private void clear(int i) {
    linearizedSet.remove(definite[i], bitIndex[i]);
  }

  private void lift(int i) {
    remove(callEntry[i]);
    if (returnEntry[i] >= 0) {
      remove(returnEntry[i]);
    }
    if (definite[i] && counters > 0) {
      setLimits(i, true);
    }
  }

  private void unlift(int i) {
    if (returnEntry[i] >= 0) {
      reinsert(returnEntry[i]);
    }
    reinsert(callEntry[i]);
    if (definite[i] && counters > 0) {
      setLimits(i, false);
    }
  }

  private void remove(int e) {
    next[prev[e]] = next[e];
    if (next[e] >= 0) {
      prev[next[e]] = prev[e];
    }
  }

  private void reinsert(int e) {
    next[prev[e]] = e;
    if (next[e] >= 0) {
      prev[next[e]] = e;
    }
  }
}
