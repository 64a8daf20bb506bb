package io.ckpt.statemachine.store;

/** Arithmetic of a streamed run of chunks ({@code StreamedChunksEntry}). */
public final class StreamedChunks {
  private StreamedChunks() {}

  /** Chunks of {@code chunkBytes} (the last one shorter) that {@code size} bytes make; 0 for no bytes. */
  public static long chunkCount(long size, int chunkBytes) {
    if (chunkBytes <= 0) {
      throw new IllegalArgumentException("chunk size must be positive, got " + chunkBytes);
    }
    return size <= 0 ? 0 : (size + chunkBytes - 1) / chunkBytes;
  }
}
