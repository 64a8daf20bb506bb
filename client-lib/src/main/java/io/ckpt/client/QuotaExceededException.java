package io.ckpt.client;

/** The cluster's store is full: the write was refused before it entered the Raft log. */
public class QuotaExceededException extends CheckpointException {
  public QuotaExceededException(String message) {
    super(message);
  }

  public QuotaExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
