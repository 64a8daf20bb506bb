package io.ckpt.harness.history;

import java.util.Objects;

/**
 * One operation of a history: who invoked what on which key, when, and what came back.
 *
 * <p>Numeric inputs and outputs that do not apply, or were not reported, are {@link #NONE}
 * ({@code -1}); {@code readValue} is {@code 0} when nothing was read. An op whose reply never
 * came ({@link Outcome#UNKNOWN}) has {@code completeNanos == Long.MAX_VALUE}.
 *
 * @param id unique within the history
 * @param client the client (thread) that invoked it
 * @param key the segment name
 * @param invokeNanos when the request was about to be sent
 * @param completeNanos when the reply was received; {@code Long.MAX_VALUE} if it never was
 * @param value PUT: the id of the bytes written
 * @param expectVersion PUT: the compare-and-set version, or {@code NONE}
 * @param epoch PUT: the owner epoch carried, or {@code NONE}
 * @param owner ACQUIRE: the owner asking
 * @param force ACQUIRE: take over from another owner
 * @param version PUT OK: the new version; READ/STALE_READ OK: the version read; CONFLICT: the
 *     current version
 * @param revision PUT OK: the committing log index; READ/STALE_READ OK: the revision of the
 *     version read
 * @param readValue READ/STALE_READ OK: the id of the bytes read
 * @param outEpoch ACQUIRE OK: the owner epoch; FENCED: the current epoch
 * @param appliedRevision STALE_READ: the log index the serving node had applied
 * @param node the node that answered, {@code ""} if unknown
 * @param error FAIL/UNKNOWN: what went wrong
 */
public record Op(
    long id,
    int client,
    String key,
    Kind kind,
    long invokeNanos,
    long completeNanos,
    long value,
    long expectVersion,
    long epoch,
    String owner,
    boolean force,
    Outcome outcome,
    long version,
    long revision,
    long readValue,
    long outEpoch,
    long appliedRevision,
    String node,
    String error) {

  /** An input that was not given or an output that was not reported. */
  public static final long NONE = -1;

  /** What was asked. */
  public enum Kind {
    PUT,
    READ,
    STALE_READ,
    ACQUIRE
  }

  /** What came back. */
  public enum Outcome {
    OK,
    NOT_FOUND,
    /** Version (PUT with expectVersion) or ownership (ACQUIRE) conflict: nothing changed. */
    CONFLICT,
    /** PUT with an epoch that is not the current one: nothing changed. */
    FENCED,
    /** Definitely not applied (rejected before the log). */
    FAIL,
    /** No reply: it may have taken effect at any time after its invocation, or never. */
    UNKNOWN
  }

  public Op {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    owner = owner == null ? "" : owner;
    node = node == null ? "" : node;
    error = error == null ? "" : error;
    if (outcome == Outcome.UNKNOWN) {
      completeNanos = Long.MAX_VALUE;
    }
  }

  /** The op as recorded at invocation: outcome UNKNOWN until a reply completes it. */
  public static Op invoked(long id, int client, long invokeNanos, Call call) {
    return new Op(id, client, call.key(), call.kind(), invokeNanos, Long.MAX_VALUE,
        call.value(), call.expectVersion(), call.epoch(), call.owner(), call.force(),
        Outcome.UNKNOWN, NONE, NONE, 0, NONE, NONE, "", "no reply recorded");
  }

  /** This invocation completed at {@code completeNanos} with {@code reply}. */
  public Op completed(long completeNanos, Reply reply) {
    return new Op(id, client, key, kind, invokeNanos, completeNanos, value, expectVersion, epoch,
        owner, force, reply.outcome(), reply.version(), reply.revision(), reply.readValue(),
        reply.outEpoch(), reply.appliedRevision(), reply.node(), reply.error());
  }

  /** The inputs of this op. */
  public Call call() {
    return new Call(kind, key, value, expectVersion, epoch, owner, force);
  }

  /** This op with another {@code value} input (checkers use it to canonicalize). */
  public Op withValue(long newValue) {
    return new Op(id, client, key, kind, invokeNanos, completeNanos, newValue, expectVersion,
        epoch, owner, force, outcome, version, revision, readValue, outEpoch, appliedRevision,
        node, error);
  }

  /** True when the reply is known: it must take effect between invocation and completion. */
  public boolean isDefinite() {
    return outcome != Outcome.UNKNOWN && outcome != Outcome.FAIL;
  }

  /** The op on one line, times shown relative to {@code baseNanos}, e.g. for reports. */
  public String describe(long baseNanos) {
    StringBuilder b = new StringBuilder();
    b.append('#').append(id).append(" c").append(client).append(' ').append(kind);
    b.append('(');
    switch (kind) {
      case PUT -> {
        b.append("value=").append(value);
        if (expectVersion != NONE) {
          b.append(" expectVersion=").append(expectVersion);
        }
        if (epoch != NONE) {
          b.append(" epoch=").append(epoch);
        }
      }
      case ACQUIRE -> b.append("owner=").append(quote(owner)).append(force ? " force" : "");
      default -> { }
    }
    b.append(") -> ").append(outcome);
    appendIf(b, " version=", version);
    appendIf(b, " revision=", revision);
    if (readValue != 0) {
      b.append(" value=").append(readValue);
    }
    appendIf(b, " epoch=", outEpoch);
    appendIf(b, " appliedRevision=", appliedRevision);
    if (!node.isEmpty()) {
      b.append(" node=").append(node);
    }
    if (!error.isEmpty()) {
      b.append(" error=").append(quote(error));
    }
    b.append(" [").append(millis(invokeNanos - baseNanos)).append(" .. ");
    b.append(completeNanos == Long.MAX_VALUE ? "never" : millis(completeNanos - baseNanos));
    return b.append(']').toString();
  }

  private static void appendIf(StringBuilder b, String label, long v) {
    if (v != NONE) {
      b.append(label).append(v);
    }
  }

  private static String millis(long nanos) {
    return String.format("%.3f ms", nanos / 1e6);
  }

  private static String quote(String s) {
    return '"' + s.replace("\n", "\\n") + '"';
  }
}
