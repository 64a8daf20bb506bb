package io.ckpt.statemachine.stream;

/**
 * A log entry names streamed bytes this node does not have intact: it must not apply the entry
 * without them (nor anything else in its place).
 */
public final class MissingStreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MissingStreamException(String message) {
    super(message);
  }
}
