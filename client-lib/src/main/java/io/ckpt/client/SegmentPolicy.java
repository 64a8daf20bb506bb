package io.ckpt.client;

/**
 * What a segment is registered with: versions retained and largest size. Zero means the
 * cluster's default.
 *
 * @param retain versions kept (1..1000, or 0 for the default)
 * @param maxSize largest version in bytes (or 0 for the default)
 */
public record SegmentPolicy(int retain, long maxSize) {
  public SegmentPolicy {
    if (retain < 0 || retain > 1000) {
      throw new InvalidRequestException("retain must be 1..1000 (or 0 for the default), got " + retain);
    }
    if (maxSize < 0) {
      throw new InvalidRequestException("max size must not be negative, got " + maxSize);
    }
  }

  public static SegmentPolicy defaults() {
    return new SegmentPolicy(0, 0);
  }
}
