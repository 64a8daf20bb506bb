package io.ckpt.statemachine.stream;

import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.StreamedChunksEntry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Stream files, bytes and the entries that name them, in chunks of {@link #CHUNK} bytes, for this package's tests. */
final class StreamTestData {
  static final int CHUNK = 1000;

  private StreamTestData() {}

  /** Stream files in {@code dir}, without a disk check. */
  static StreamFiles files(Path dir) {
    return new StreamFiles(dir, CHUNK, 1 << 20, StreamFiles.Space.UNCHECKED);
  }

  /** The entry of a streamed run of {@code data}: its size and the CRC32C of every chunk. */
  static StreamedChunksEntry run(byte[] data) {
    StreamedChunksEntry.Builder run = StreamedChunksEntry.newBuilder().setUploadId("u").setName("seg")
        .setChunkBytes(CHUNK).setSize(data.length);
    for (int from = 0; from < data.length; from += CHUNK) {
      run.addChunkCrc32C(Crc32c.of(Arrays.copyOfRange(data, from, Math.min(data.length, from + CHUNK))));
    }
    return run.build();
  }

  /** {@code n} random bytes, the same for the same {@code n}. */
  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
