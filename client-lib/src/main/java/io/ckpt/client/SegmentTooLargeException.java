package io.ckpt.client;

/** The segment is larger than the configured maximum size. */
public class SegmentTooLargeException extends CheckpointException {
  public SegmentTooLargeException(String message) {
    super(message);
  }

  public SegmentTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
