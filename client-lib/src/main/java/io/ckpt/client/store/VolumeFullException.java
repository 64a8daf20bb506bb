package io.ckpt.client.store;

import io.ckpt.client.util.Sizes;
import java.io.IOException;

/**
 * Thrown by {@link ChunkVolumes#place(int)} when all {@link VolumeSpec#maxVolumes()} volumes
 * exist and none has room for the value: the store's space quota is reached. Callers on the write
 * path should check for room before a write enters the Raft log and report a quota error.
 */
public class VolumeFullException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int valueSize;
  private final long usedBytes;
  private final long capacityBytes;

  /**
   * @param valueSize the size of the value that did not fit
   * @param maxVolumes the number of volumes (all full)
   * @param usedBytes the charged bytes of all stored values
   * @param capacityBytes the configured capacity of all volumes
   */
  public VolumeFullException(int valueSize, int maxVolumes, long usedBytes, long capacityBytes) {
    super("store is full: no room for a value of " + Sizes.format(valueSize) + " in any of the "
        + maxVolumes + " volumes (" + Sizes.format(usedBytes) + " used of "
        + Sizes.format(capacityBytes) + " capacity; free space by removing data or raise the quota)");
    this.valueSize = valueSize;
    this.usedBytes = usedBytes;
    this.capacityBytes = capacityBytes;
  }

  /** The size of the value that did not fit. */
  public int valueSize() {
    return valueSize;
  }

  /** The charged bytes of all stored values when the exception was thrown. */
  public long usedBytes() {
    return usedBytes;
  }

  /** The configured capacity of the store. */
  public long capacityBytes() {
    return capacityBytes;
  }
}
