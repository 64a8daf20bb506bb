package io.ckpt.client.local;

import io.ckpt.client.CorruptDataException;
import io.ckpt.client.store.ChunkVolumes;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Copies the chunks of a pinned {@link LoadedVersion} from the volumes straight into a caller's
 * buffer and checks each chunk's CRC32C there: one copy, no allocation for a heap buffer.
 */
final class ChunkReader {
  private final ChunkVolumes volumes;

  ChunkReader(ChunkVolumes volumes) {
    this.volumes = volumes;
  }

  /**
   * Copies all chunks of {@code v} into {@code dst}, which has room for them.
   *
   * @throws CorruptDataException if a chunk is missing or fails its check ({@code dst}'s position
   *         is then unchanged)
   */
  void copy(LoadedVersion v, ByteBuffer dst) {
    int start = dst.position();
    try {
      for (int i = 0; i < v.chunkCount(); i++) {
        copyChunk(v, i, dst);
      }
    } catch (CorruptDataException e) {
      dst.position(start);
      throw e;
    }
  }

  /** Copies chunk {@code i} of {@code v} into {@code dst} at its position, advancing it. */
  void copyChunk(LoadedVersion v, int i, ByteBuffer dst) {
    int pos = dst.position();
    int n;
    try {
      n = volumes.read(v.volume(i), v.id(i), dst);
    } catch (BufferOverflowException | IndexOutOfBoundsException e) {
      n = -1; // the catalog and the volumes disagree: as damaged as a bad checksum
    }
    if (n != v.chunkSize(i) || crcOf(dst, pos, n) != v.chunkCrc(i)) {
      throw new CorruptDataException("local copy of " + v.name() + " v" + v.info.version()
          + " is damaged (chunk " + i + "): load it again");
    }
  }

  /** The CRC32C of {@code len} bytes of {@code buf} from {@code pos}. */
  private static int crcOf(ByteBuffer buf, int pos, int len) {
    CRC32C crc = new CRC32C();
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + pos, len);
    } else {
      crc.update(buf.slice(pos, len));
    }
    return (int) crc.getValue();
  }
}
