package io.ckpt.client;

/** A compare-and-set write found a different current version; nothing was changed. */
public class VersionConflictException extends CheckpointException {
  private final long expectedVersion;
  private final long currentVersion;

  public VersionConflictException(String message, long expectedVersion, long currentVersion) {
    super(message);
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }

  public long expectedVersion() {
    return expectedVersion;
  }

  /** The segment's version when the write was applied; 0 when it did not exist. */
  public long currentVersion() {
    return currentVersion;
  }
}
