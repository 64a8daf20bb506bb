package io.ckpt.client.internal;

import io.ckpt.protocol.Status;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server refuses a write before it enters the log by failing the Raft transaction with an
 * exception whose message carries a status. This class writes and reads that marker.
 */
public final class Rejections {
  private static final Pattern MARKER = Pattern.compile("\\[ckpt:([A-Z_]+)\\] ([^\\n]*)");

  private Rejections() {}

  /** A rejection: the status and the human-readable reason. */
  public record Rejection(Status status, String message) {}

  public static String encode(Status status, String message) {
    return "[ckpt:" + status.name() + "] " + message;
  }

  /** The rejection carried by {@code t} or any of its causes. */
  public static Optional<Rejection> find(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      Optional<Rejection> r = decode(x.getMessage());
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /** Finds the marker anywhere in a (possibly wrapped) exception message. */
  public static Optional<Rejection> decode(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = MARKER.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Rejection(Status.valueOf(m.group(1)), m.group(2)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
