package io.ckpt.statemachine.store;

/** The store's files (or a snapshot) are damaged; the node must not serve from them. */
public class StoreCorruptException extends RuntimeException {
  public StoreCorruptException(String message) {
    super(message);
  }

  public StoreCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
