package io.ckpt.client.store;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.core.Jvm;

/**
 * Presents a value to Chronicle Map as native memory, so that Chronicle copies it into the
 * volume with one bulk memory copy (it copies a heap-backed value eight bytes at a time, which
 * measured as half of the time of a 1 MiB put). A direct buffer is used in place; a heap buffer
 * is first copied into a reusable direct staging buffer. Not thread-safe: {@link ChunkVolumes}
 * holds one and uses it under its writer lock; the pointer is valid until the next call.
 */
final class ValueSource {
  private final PointerBytesStore pointer = new PointerBytesStore();
  private ByteBuffer staging;

  /**
   * Points at the remaining bytes of {@code value} (its position is not changed) and returns the
   * pointer, which stays valid while {@code value} is reachable and until the next call.
   */
  PointerBytesStore of(ByteBuffer value) {
    int len = value.remaining();
    long address;
    if (value.isDirect()) {
      address = Jvm.address(value) + value.position();
    } else {
      if (staging == null || staging.capacity() < len) {
        staging = ByteBuffer.allocateDirect(Math.max(len, 4096));
      }
      staging.clear();
      staging.put(value.duplicate());
      address = Jvm.address(staging);
    }
    pointer.set(address, len);
    return pointer;
  }

  /** Drops the staging buffer (its memory is freed when it is collected). */
  void release() {
    staging = null;
  }
}
