package io.ckpt.client;

/** Bytes failed their checksum; they were not returned or stored. */
public class CorruptDataException extends CheckpointException {
  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
