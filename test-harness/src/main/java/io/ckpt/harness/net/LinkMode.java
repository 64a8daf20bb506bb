package io.ckpt.harness.net;

/**
 * What a {@link LinkProxy} does with the bytes of its connections: forward them ({@link #PASS}),
 * forward each chunk no earlier than its arrival plus a delay ({@link #delay}), or hold them
 * ({@link #BLOCK}, a partition). Immutable.
 */
public record LinkMode(Kind kind, long delayMs, long jitterMs) {

  /** The three behaviours of a link. */
  public enum Kind {
    PASS,
    DELAY,
    BLOCK
  }

  /** Forward as fast as possible. */
  public static final LinkMode PASS = new LinkMode(Kind.PASS, 0, 0);

  /** Forward nothing in either byte direction; hold what is read and accept new connections. */
  public static final LinkMode BLOCK = new LinkMode(Kind.BLOCK, 0, 0);

  public LinkMode {
    if (kind == null) {
      throw new IllegalArgumentException("kind is null");
    }
    if (delayMs < 0 || jitterMs < 0) {
      throw new IllegalArgumentException("negative delay or jitter: " + delayMs + "/" + jitterMs);
    }
    if (kind != Kind.DELAY && (delayMs != 0 || jitterMs != 0)) {
      throw new IllegalArgumentException(kind + " takes no delay");
    }
  }

  /**
   * Each chunk is forwarded no earlier than its arrival + {@code delayMs} + a random
   * {@code [0, jitterMs)}, in order. {@code delay(0, 0)} is {@link #PASS}.
   */
  public static LinkMode delay(long delayMs, long jitterMs) {
    if (delayMs == 0 && jitterMs == 0) {
      return PASS;
    }
    return new LinkMode(Kind.DELAY, delayMs, jitterMs);
  }

  public boolean isPass() {
    return kind == Kind.PASS;
  }

  public boolean isBlock() {
    return kind == Kind.BLOCK;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PASS -> "pass";
      case BLOCK -> "block";
      case DELAY -> jitterMs == 0 ? "delay " + delayMs + "ms" : "delay " + delayMs + "±" + jitterMs + "ms";
    };
  }
}
