package io.ckpt.harness.history;

import java.util.Objects;

/**
 * What came back for an operation. Build one with the factory for the outcome, then
 * {@link #from(String)} to name the node that answered. Unreported numbers are {@link Op#NONE}.
 */
public record Reply(
    Op.Outcome outcome, long version, long revision, long readValue, long outEpoch,
    long appliedRevision, String node, String error) {

  private static final long N = Op.NONE;

  public Reply {
    Objects.requireNonNull(outcome, "outcome");
    node = node == null ? "" : node;
    error = error == null ? "" : error;
  }

  /** PUT committed {@code version} at log index {@code revision}. */
  public static Reply written(long version, long revision) {
    return new Reply(Op.Outcome.OK, version, revision, 0, N, N, "", "");
  }

  /** READ returned {@code version} (committed at {@code revision}) holding {@code value}. */
  public static Reply read(long version, long revision, long value) {
    return new Reply(Op.Outcome.OK, version, revision, value, N, N, "", "");
  }

  /** READ found no version. */
  public static Reply notFound() {
    return new Reply(Op.Outcome.NOT_FOUND, N, N, 0, N, N, "", "");
  }

  /** STALE_READ from a node that had applied {@code appliedRevision}. */
  public static Reply staleRead(long appliedRevision, long version, long revision, long value) {
    return new Reply(Op.Outcome.OK, version, revision, value, N, appliedRevision, "", "");
  }

  /** STALE_READ found no version on a node that had applied {@code appliedRevision}. */
  public static Reply staleNotFound(long appliedRevision) {
    return new Reply(Op.Outcome.NOT_FOUND, N, N, 0, N, appliedRevision, "", "");
  }

  /** PUT with expectVersion found {@code currentVersion} ({@code NONE} if not reported). */
  public static Reply conflict(long currentVersion) {
    return new Reply(Op.Outcome.CONFLICT, currentVersion, N, 0, N, N, "", "");
  }

  /** ACQUIRE refused: another owner holds the key. */
  public static Reply ownedByOther() {
    return conflict(N);
  }

  /** PUT carried a stale epoch; {@code currentEpoch} is the key's epoch. */
  public static Reply fenced(long currentEpoch) {
    return new Reply(Op.Outcome.FENCED, N, N, 0, currentEpoch, N, "", "");
  }

  /** ACQUIRE granted owner epoch {@code epoch}. */
  public static Reply acquired(long epoch) {
    return new Reply(Op.Outcome.OK, N, N, 0, epoch, N, "", "");
  }

  /** Definitely not applied (e.g. rejected before entering the log). */
  public static Reply fail(String error) {
    return new Reply(Op.Outcome.FAIL, N, N, 0, N, N, "", error);
  }

  /** No usable reply (timeout, connection lost): may or may not have taken effect. */
  public static Reply unknown(String error) {
    return new Reply(Op.Outcome.UNKNOWN, N, N, 0, N, N, "", error);
  }

  /** This reply, answered by {@code node}. */
  public Reply from(String answeringNode) {
    return new Reply(outcome, version, revision, readValue, outEpoch, appliedRevision,
        answeringNode, error);
  }
}
