package io.ckpt.harness.history;

import java.util.Objects;

/**
 * The inputs of an operation, as a client is about to send it. Build one with the factories.
 *
 * @param expectVersion {@link Op#NONE} for an unconditional put
 * @param epoch {@link Op#NONE} for a put that carries no owner epoch
 */
public record Call(
    Op.Kind kind, String key, long value, long expectVersion, long epoch, String owner,
    boolean force) {

  public Call {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    owner = owner == null ? "" : owner;
  }

  /** An unconditional put of the bytes identified by {@code value}. */
  public static Call put(String key, long value) {
    return put(key, value, Op.NONE, Op.NONE);
  }

  /** A put; {@code expectVersion} and {@code epoch} may be {@link Op#NONE}. */
  public static Call put(String key, long value, long expectVersion, long epoch) {
    return new Call(Op.Kind.PUT, key, value, expectVersion, epoch, "", false);
  }

  /** A linearizable read of the latest version. */
  public static Call read(String key) {
    return new Call(Op.Kind.READ, key, 0, Op.NONE, Op.NONE, "", false);
  }

  /** A stale read from one node's applied state. */
  public static Call staleRead(String key) {
    return new Call(Op.Kind.STALE_READ, key, 0, Op.NONE, Op.NONE, "", false);
  }

  /** Take ownership ({@code force}: even from another owner). */
  public static Call acquire(String key, String owner, boolean force) {
    return new Call(Op.Kind.ACQUIRE, key, 0, Op.NONE, Op.NONE, owner, force);
  }
}
