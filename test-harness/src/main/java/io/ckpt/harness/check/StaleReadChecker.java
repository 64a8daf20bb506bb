package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Op.Kind;
import io.ckpt.harness.history.Op.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks stale reads against their own promise: the result is the key's state as of the
 * revision the serving node says it had applied ({@code appliedRevision} R). Acknowledged puts
 * (OK, with their version, revision and value) are the reference. An OK stale read of version v
 * at revision rv holding x is wrong if rv &gt; R (from the future), if an acknowledged put of the
 * key has a revision in (rv, R] (older than it claims), or if the acknowledged put of version v
 * holds another value or has another revision. A NOT_FOUND stale read is wrong if an
 * acknowledged put of the key has a revision &le; R. Stale reads without a reply, or without an
 * appliedRevision, are not checked.
 */
public final class StaleReadChecker {
  private StaleReadChecker() {}

  public static Report check(List<Op> history) {
    long base = history.stream().mapToLong(Op::invokeNanos).min().orElse(0);
    Map<String, TreeMap<Long, Op>> putsByRevision = new HashMap<>();
    Map<String, Map<Long, Op>> putsByVersion = new HashMap<>();
    for (Op op : history) {
      if (op.kind() == Kind.PUT && op.outcome() == Outcome.OK) {
        if (op.revision() != Op.NONE) {
          putsByRevision.computeIfAbsent(op.key(), k -> new TreeMap<>()).put(op.revision(), op);
        }
        if (op.version() != Op.NONE) {
          putsByVersion.computeIfAbsent(op.key(), k -> new HashMap<>()).put(op.version(), op);
        }
      }
    }
    int checked = 0;
    List<String> violations = new ArrayList<>();
    for (Op read : history) {
      if (read.kind() != Kind.STALE_READ || read.appliedRevision() == Op.NONE
          || (read.outcome() != Outcome.OK && read.outcome() != Outcome.NOT_FOUND)) {
        continue;
      }
      checked++;
      TreeMap<Long, Op> byRevision = putsByRevision.getOrDefault(read.key(), new TreeMap<>());
      long applied = read.appliedRevision();
      String problem = null;
      Op evidence = null;
      if (read.outcome() == Outcome.NOT_FOUND) {
        Map.Entry<Long, Op> first = byRevision.firstEntry();
        if (first != null && first.getKey() <= applied) {
          problem = "found nothing, but a put was acknowledged at revision " + first.getKey()
              + " <= appliedRevision " + applied;
          evidence = first.getValue();
        }
      } else if (read.revision() != Op.NONE && read.revision() > applied) {
        problem = "from the future: revision " + read.revision() + " > appliedRevision "
            + applied;
      } else {
        Map.Entry<Long, Op> newest = byRevision.floorEntry(applied);
        Op same = putsByVersion.getOrDefault(read.key(), Map.of()).get(read.version());
        if (read.revision() != Op.NONE && newest != null && newest.getKey() > read.revision()) {
          problem = "older than it claims: version " + read.version() + " at revision "
              + read.revision() + ", but version " + newest.getValue().version()
              + " was acknowledged at revision " + newest.getKey() + " <= appliedRevision "
              + applied;
          evidence = newest.getValue();
        } else if (same != null && same.value() != read.readValue()) {
          problem = "version " + read.version() + " read as value " + read.readValue()
              + ", but it was written with value " + same.value();
          evidence = same;
        } else if (same != null && read.revision() != Op.NONE
            && same.revision() != read.revision()) {
          problem = "version " + read.version() + " read at revision " + read.revision()
              + ", but it was committed at revision " + same.revision();
          evidence = same;
        }
      }
      if (problem != null) {
        String d = "key \"" + read.key() + "\": stale read " + problem + "\n  read: "
            + read.describe(base);
        violations.add(evidence == null ? d : d + "\n  put:  " + evidence.describe(base));
      }
    }
    String summary = checked + " stale reads checked"
        + (violations.isEmpty() ? "" : ", " + violations.size() + " broke their promise");
    return new Report("stale-reads", violations.isEmpty() ? Verdict.PASS : Verdict.FAIL,
        summary, violations);
  }
}
