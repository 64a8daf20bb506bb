package io.ckpt.client;

/** The request was malformed (bad name, bad option); nothing was changed. */
public class InvalidRequestException extends CheckpointException {
  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
