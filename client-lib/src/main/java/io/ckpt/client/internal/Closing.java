package io.ckpt.client.internal;

import java.io.Closeable;
import java.io.IOException;

/** Closes several things at once: every one of them, even when an earlier one fails. */
final class Closing {
  private Closing() {}

  /** Closes each of {@code closeables} in order; throws the first failure once all were tried. */
  static void all(Iterable<? extends Closeable> closeables) throws IOException {
    IOException first = null;
    for (Closeable c : closeables) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
