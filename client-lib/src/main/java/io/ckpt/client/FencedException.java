package io.ckpt.client;

/** The write carried an owner epoch that is no longer current: another owner took over. */
public class FencedException extends CheckpointException {
  private final long currentEpoch;
  private final String currentOwner;

  public FencedException(String message, long currentEpoch, String currentOwner) {
    super(message);
    this.currentEpoch = currentEpoch;
    this.currentOwner = currentOwner;
  }

  public long currentEpoch() {
    return currentEpoch;
  }

  /** The owner now, empty when nobody owns the segment. */
  public String currentOwner() {
    return currentOwner;
  }
}
