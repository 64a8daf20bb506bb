package io.ckpt.client;

/** Acquire without force found the segment owned by someone else (its lease still running). */
public class OwnershipConflictException extends CheckpointException {
  private final String owner;
  private final long epoch;

  public OwnershipConflictException(String message, String owner, long epoch) {
    super(message);
    this.owner = owner;
    this.epoch = epoch;
  }

  public String owner() {
    return owner;
  }

  public long epoch() {
    return epoch;
  }
}
