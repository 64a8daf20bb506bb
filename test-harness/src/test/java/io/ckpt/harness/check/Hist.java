package io.ckpt.harness.check;

import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for tests: one line per op, times in arbitrary units. */
final class Hist {
  private final List<Op> ops = new ArrayList<>();
  private long nextId = 1;

  /** {@code client} invoked {@code call} at {@code start}; {@code reply} came at {@code end}. */
  Hist op(int client, long start, long end, Call call, Reply reply) {
    ops.add(Op.invoked(nextId++, client, start, call).completed(end, reply));
    return this;
  }

  /** Client {@code client} invoked {@code call} at {@code start} and never got a reply. */
  Hist unknown(int client, long start, Call call) {
    return op(client, start, Long.MAX_VALUE, call, Reply.unknown("timed out"));
  }

  List<Op> ops() {
    return List.copyOf(ops);
  }

  static LinearizabilityResult check(Hist h) {
    return new LinearizabilityChecker().check(h.ops());
  }
}
