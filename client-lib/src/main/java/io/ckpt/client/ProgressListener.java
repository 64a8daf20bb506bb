package io.ckpt.client;

/** Told how far a large transfer got. Called on the transferring thread; keep it cheap. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> { };

  /**
   * @param doneBytes bytes transferred so far
   * @param totalBytes total bytes, or -1 when not known in advance
   */
  void onProgress(long doneBytes, long totalBytes);
}
