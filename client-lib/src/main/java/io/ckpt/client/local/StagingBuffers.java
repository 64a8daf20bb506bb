package io.ckpt.client.local;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Direct buffers that loads copy read-only heap chunks into (the downloader passes protobuf's
 * read-only views, whose array cannot be reached): CRC32C and Chronicle read direct memory at
 * full speed. One finished load leaves its buffer for the next, so sequential loads allocate
 * once.
 */
final class StagingBuffers {
  private static final int MIN_CAPACITY = 64 << 10;
  private final AtomicReference<ByteBuffer> spare = new AtomicReference<>();

  /** A cleared direct buffer of at least {@code size} bytes: {@code current} if it is large enough. */
  ByteBuffer atLeast(ByteBuffer current, int size) {
    ByteBuffer b = current != null ? current : spare.getAndSet(null);
    if (b == null || b.capacity() < size) {
      b = ByteBuffer.allocateDirect(Math.max(size, MIN_CAPACITY));
    }
    return b.clear();
  }

  /** Keeps {@code buffer} for the next load, unless one is kept already. */
  void giveBack(ByteBuffer buffer) {
    if (buffer != null) {
      spare.compareAndSet(null, buffer);
    }
  }
}
