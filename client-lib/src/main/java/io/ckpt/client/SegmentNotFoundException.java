package io.ckpt.client;

/** The segment, or the requested version of it, does not exist (or is no longer retained). */
public class SegmentNotFoundException extends CheckpointException {
  public SegmentNotFoundException(String message) {
    super(message);
  }

  public SegmentNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
