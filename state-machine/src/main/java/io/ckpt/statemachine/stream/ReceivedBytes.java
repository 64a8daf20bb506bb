package io.ckpt.statemachine.stream;

import java.util.List;

/**
 * A stream as one node received it.
 *
 * @param size bytes written
 * @param chunkCrcs CRC32C of each chunk of the stream's chunk size, the last one possibly shorter
 * @param forced whether every byte was forced to disk
 */
public record ReceivedBytes(long size, List<Integer> chunkCrcs, boolean forced) {
  public ReceivedBytes {
    chunkCrcs = List.copyOf(chunkCrcs);
  }
}
