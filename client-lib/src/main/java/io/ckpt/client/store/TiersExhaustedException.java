package io.ckpt.client.store;

/** Chronicle Map could not find room for a value in a volume's file (all its segment tiers are used). */
final class TiersExhaustedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  TiersExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
