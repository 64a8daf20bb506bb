package io.ckpt.harness.bench.jmh;

import io.ckpt.client.SegmentInfo;
import io.ckpt.client.util.Crc32c;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * The bytes of one benchmark segment, cut into chunks as the cluster streams them (with each
 * chunk's CRC32C), and a way to hand them to a loader as the downloader does: one read-only heap
 * {@link ByteBuffer} per chunk.
 */
final class SegmentBytes {
  final String name;
  final byte[][] chunks;
  final int[] chunkCrcs;
  final long size;
  final int crc32c;

  SegmentBytes(String name, long size, int chunkSize, long seed) {
    this.name = name;
    this.size = size;
    int n = (int) Math.max(1, (size + chunkSize - 1) / chunkSize);
    chunks = new byte[n][];
    chunkCrcs = new int[n];
    Random random = new Random(seed);
    int crc = 0;
    for (int i = 0; i < n; i++) {
      int len = (int) Math.min(chunkSize, size - (long) i * chunkSize);
      chunks[i] = new byte[len];
      random.nextBytes(chunks[i]);
      chunkCrcs[i] = Crc32c.of(chunks[i]);
      crc = Crc32c.combine(crc, chunkCrcs[i], len);
    }
    crc32c = crc;
  }

  /** The info of version {@code version} of these bytes. */
  SegmentInfo info(long version) {
    return new SegmentInfo(name, version, version, size, crc32c, "bench");
  }

  /** Chunk {@code i} as the downloader passes it: a read-only view of a heap array. */
  ByteBuffer chunk(int i) {
    return ByteBuffer.wrap(chunks[i]).asReadOnlyBuffer();
  }
}
