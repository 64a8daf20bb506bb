package io.ckpt.client;

/**
 * Metadata of one committed version of a segment.
 *
 * @param name the segment name
 * @param version the per-segment version (1, 2, 3, ...)
 * @param revision the Raft log index that committed it (cluster-wide, monotonic)
 * @param size the size in bytes
 * @param crc32c the CRC32C of the whole version
 * @param node the id of the node that answered, or empty when not known
 * @param readRevision the revision the answering node had applied when it answered (0 when not
 *        known): a stale read reflects exactly the state at this revision
 */
public record SegmentInfo(String name, long version, long revision, long size, int crc32c, String node,
    long readRevision) {
  /** Info whose read revision is not known. */
  public SegmentInfo(String name, long version, long revision, long size, int crc32c, String node) {
    this(name, version, revision, size, crc32c, node, 0);
  }

  /** The CRC32C as the usual 8-digit lower-case hex string. */
  public String crc32cHex() {
    return String.format("%08x", crc32c);
  }
}
