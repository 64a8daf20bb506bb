package io.ckpt.client;

/** No node answered in time: the cluster is unreachable, has no leader, or the call timed out. */
public class UnavailableException extends CheckpointException {
  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
