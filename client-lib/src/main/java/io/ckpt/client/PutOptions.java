package io.ckpt.client;

import java.util.OptionalLong;

/** Options of a write. Immutable; start from {@link #defaults()}. */
public final class PutOptions {
  private static final PutOptions DEFAULTS = new PutOptions(OptionalLong.empty());
  private final OptionalLong expectedVersion;

  private PutOptions(OptionalLong expectedVersion) {
    this.expectedVersion = expectedVersion;
  }

  public static PutOptions defaults() {
    return DEFAULTS;
  }

  /** Compare-and-set: commit only if the current version is {@code version} (0 = absent). */
  public PutOptions expectVersion(long version) {
    if (version < 0) {
      throw new InvalidRequestException("expected version must be >= 0, got " + version);
    }
    return new PutOptions(OptionalLong.of(version));
  }

  public OptionalLong expectedVersion() {
    return expectedVersion;
  }
}
