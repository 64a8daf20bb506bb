package io.ckpt.client;

import java.util.OptionalLong;

/** Options of a write. Immutable; start from {@link #defaults()}. */
public final class PutOptions {
  private static final PutOptions DEFAULTS = new PutOptions(OptionalLong.empty(), OptionalLong.empty(), false);
  private final OptionalLong expectedVersion;
  private final OptionalLong epoch;
  private final boolean noCreate;

  private PutOptions(OptionalLong expectedVersion, OptionalLong epoch, boolean noCreate) {
    this.expectedVersion = expectedVersion;
    this.epoch = epoch;
    this.noCreate = noCreate;
  }

  public static PutOptions defaults() {
    return DEFAULTS;
  }

  /** Compare-and-set: commit only if the current version is {@code version} (0 = none). */
  public PutOptions expectVersion(long version) {
    if (version < 0) {
      throw new InvalidRequestException("expected version must be >= 0, got " + version);
    }
    return new PutOptions(OptionalLong.of(version), epoch, noCreate);
  }

  /** Fencing: commit only while {@code epoch} is the segment's current owner epoch. */
  public PutOptions epoch(long epoch) {
    if (epoch < 0) {
      throw new InvalidRequestException("epoch must be >= 0, got " + epoch);
    }
    return new PutOptions(expectedVersion, OptionalLong.of(epoch), noCreate);
  }

  /** Refuse to write a segment that is not registered yet. */
  public PutOptions noCreate() {
    return new PutOptions(expectedVersion, epoch, true);
  }

  public OptionalLong expectedVersion() {
    return expectedVersion;
  }

  public OptionalLong epoch() {
    return epoch;
  }

  public boolean isNoCreate() {
    return noCreate;
  }
}
