package io.ckpt.client.local;

import io.ckpt.client.SegmentInfo;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.StoredVersion;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One committed version in a {@link LocalStore}, held in memory: its info, where its chunks are,
 * and a reference count that keeps the chunks stored while readers use them.
 *
 * <p>The catalog holds one reference from commit until the version is replaced or removed
 * ({@link #unpin()} then drops it); each read holds one more from {@link #pin()} to
 * {@link #unpin()}. The chunks are freed by whoever drops the last reference, so a reader never
 * sees a version's chunks disappear under it, and once the count has reached zero no reader can
 * pin the version again (it must look the name up anew).
 */
final class LoadedVersion {
  final SegmentInfo info;
  final StoredVersion record;
  private final int[] volumes;
  private final long[] ids;
  private final int[] sizes;
  private final int[] crcs;
  private final int largestChunk;
  private final AtomicInteger refs = new AtomicInteger(1);

  LoadedVersion(String name, StoredVersion record) {
    this.record = record;
    this.info = new SegmentInfo(name, record.getVersion(), record.getRevision(), record.getSize(),
        record.getCrc32C(), "local");
    int n = record.getChunksCount();
    volumes = new int[n];
    ids = new long[n];
    sizes = new int[n];
    crcs = new int[n];
    int largest = 0;
    for (int i = 0; i < n; i++) {
      ChunkRef ref = record.getChunks(i);
      volumes[i] = ref.getVolume();
      ids[i] = ref.getId();
      sizes[i] = ref.getSize();
      crcs[i] = ref.getCrc32C();
      largest = Math.max(largest, sizes[i]);
    }
    largestChunk = largest;
  }

  String name() {
    return info.name();
  }

  long size() {
    return info.size();
  }

  int chunkCount() {
    return ids.length;
  }

  int volume(int chunk) {
    return volumes[chunk];
  }

  long id(int chunk) {
    return ids[chunk];
  }

  int chunkSize(int chunk) {
    return sizes[chunk];
  }

  int chunkCrc(int chunk) {
    return crcs[chunk];
  }

  int largestChunk() {
    return largestChunk;
  }

  /** Takes a reference; false if the version was already released (look the name up again). */
  boolean pin() {
    for (;;) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; true if it was the last one, and the caller must free the chunks. */
  boolean unpin() {
    int r = refs.decrementAndGet();
    if (r < 0) {
      throw new IllegalStateException("version " + info.version() + " of " + info.name() + " released twice");
    }
    return r == 0;
  }
}
