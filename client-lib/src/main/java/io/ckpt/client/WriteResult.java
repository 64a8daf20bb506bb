package io.ckpt.client;

/**
 * What a committed write returns: the new version and the revision that committed it.
 *
 * @param name the segment name
 * @param version the version this write created
 * @param revision the Raft log index that committed it
 * @param size the size in bytes
 * @param crc32c the CRC32C of the bytes written
 */
public record WriteResult(String name, long version, long revision, long size, int crc32c) {
  public String crc32cHex() {
    return String.format("%08x", crc32c);
  }
}
