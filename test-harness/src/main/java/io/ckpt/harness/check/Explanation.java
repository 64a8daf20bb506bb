package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Writes what a failed (or undecided) search found, for a person to read. */
final class Explanation {
  private static final int SHOWN = 12;

  private Explanation() {}

  static <S> String of(String key, KeyResult.Status status, Model<S> model, KeySearch<S> search,
      KeySearch.Outcome out, Map<Long, Op> originals, long baseNanos) {
    Op[] ops = out.ops();
    List<KeySearch.Frame> prefix = new ArrayList<>();
    for (KeySearch.Frame f = out.best(); f != null; f = f.parent()) {
      prefix.add(f);
    }
    Collections.reverse(prefix);
    int definite = 0;
    for (int i = 0; i < ops.length; i++) {
      definite += search.isDefinite(i) ? 1 : 0;
    }
    StringBuilder b = new StringBuilder();
    b.append("key \"").append(key).append("\" ");
    b.append(status == KeyResult.Status.NOT_LINEARIZABLE ? "is NOT linearizable"
        : "is undecided: search budget exhausted");
    b.append(" (").append(ops.length).append(" ops, ").append(search.unknownOps())
        .append(" UNKNOWN; times relative to the start of the history)\n");
    RealTimeWitness witness = RealTimeWitness.find(model, ops);
    if (witness != null) {
      b.append(witness.describe(model, original(witness.before(), originals),
          original(witness.after(), originals), baseNanos));
      b.append("the search:\n");
    }
    int done = out.best() == null ? 0 : out.best().linearized();
    b.append("longest linearizable prefix: ").append(done).append(" of ").append(definite)
        .append(" ops with replies");
    if (prefix.size() > SHOWN) {
      b.append(", last ").append(SHOWN).append(" steps shown");
    }
    b.append(":\n");
    // replay the prefix on the ops as recorded: the search may have rewritten inputs
    List<S> states = new ArrayList<>();
    S state = model.initial();
    for (KeySearch.Frame f : prefix) {
      S next = model.step(state, original(ops[f.op()], originals));
      @SuppressWarnings("unchecked")
      S searched = (S) f.after();
      state = next != null ? next : searched;
      states.add(state);
    }
    for (int k = Math.max(0, prefix.size() - SHOWN); k < prefix.size(); k++) {
      b.append("  ").append(original(ops[prefix.get(k).op()], originals).describe(baseNanos))
          .append("\n      -> ").append(model.describe(states.get(k))).append('\n');
    }
    b.append("state after the prefix: ").append(model.describe(state)).append('\n');

    boolean[] lifted = new boolean[ops.length];
    for (KeySearch.Frame f : prefix) {
      lifted[f.op()] = true;
    }
    long deadline = Long.MAX_VALUE;
    int blocking = -1;
    for (int i = 0; i < ops.length; i++) {
      if (!lifted[i] && search.isDefinite(i)) {
        long ret = Math.max(ops[i].invokeNanos(), ops[i].completeNanos());
        if (ret < deadline) {
          deadline = ret;
          blocking = i;
        }
      }
    }
    if (blocking < 0) {
      return b.toString();
    }
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      Op recorded = original(ops[i], originals);
      if (!lifted[i] && search.isDefinite(i) && model.expired(state, recorded)) {
        expired.add(recorded.describe(baseNanos) + "\n      " + model.explain(state, recorded));
      }
    }
    if (!expired.isEmpty()) {
      appendList(b, "ops that can no longer take effect after the prefix:", expired);
      return b.toString();
    }
    b.append("no op could be linearized next; the op that must take effect first:\n  ")
        .append(verdictOn(model, state, ops[blocking], originals, baseNanos)).append('\n');
    List<String> others = new ArrayList<>();
    int unknownPending = 0;
    for (int i = 0; i < ops.length && ops[i].invokeNanos() <= deadline; i++) {
      if (!lifted[i] && i != blocking) {
        if (search.isDefinite(i)) {
          others.add(verdictOn(model, state, ops[i], originals, baseNanos));
        } else {
          unknownPending++;
        }
      }
    }
    appendList(b, "other ops invoked before it returned, not linearized:", others);
    if (unknownPending > 0) {
      b.append("(").append(unknownPending)
          .append(" UNKNOWN ops invoked by then could have taken effect; none helps)\n");
    }
    return b.toString();
  }

  private static void appendList(StringBuilder b, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    b.append(title).append('\n');
    for (String item : items.subList(0, Math.min(SHOWN, items.size()))) {
      b.append("  ").append(item).append('\n');
    }
    if (items.size() > SHOWN) {
      b.append("  ... and ").append(items.size() - SHOWN).append(" more\n");
    }
  }

  private static <S> String verdictOn(Model<S> model, S state, Op op, Map<Long, Op> originals,
      long baseNanos) {
    Op recorded = original(op, originals);
    String why = model.step(state, recorded) == null ? model.explain(state, recorded)
        : "possible here, but no linearization continues after it";
    return recorded.describe(baseNanos) + "\n      " + why;
  }

  private static Op original(Op op, Map<Long, Op> originals) {
    return originals.getOrDefault(op.id(), op);
  }
}
