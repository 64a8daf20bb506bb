package io.ckpt.statemachine.store;

import io.ckpt.client.store.VolumeSpec;

/**
 * How a node's store is laid out and bounded. Every replica of a group must use the same
 * values: placement and retention in apply depend on them.
 *
 * @param volumes the chunk volume layout (capacity per file, largest chunk)
 * @param quotaBytes bytes of chunks the store may hold (staged uploads included)
 * @param maxSegmentBytes the largest segment version accepted
 * @param retainVersions versions kept per segment
 * @param catalogEntries segments plus staged uploads the catalog can hold
 */
public record StoreSettings(VolumeSpec volumes, long quotaBytes, long maxSegmentBytes, int retainVersions,
    int catalogEntries) {
  public StoreSettings {
    if (quotaBytes <= 0 || maxSegmentBytes < 0 || retainVersions < 1 || catalogEntries < 16) {
      throw new IllegalArgumentException("bad store settings: quota=" + quotaBytes + " maxSegment=" + maxSegmentBytes
          + " retain=" + retainVersions + " catalogEntries=" + catalogEntries);
    }
  }

  /** Chunks one version may have: bounds the size of a segment's catalog record. */
  public static final int MAX_CHUNKS_PER_VERSION = 2048;

  /** The largest chunk one log entry may carry. */
  public int maxChunkBytes() {
    return volumes.maxValueBytes();
  }
}
