package io.ckpt.client;

import java.util.List;

/**
 * What one node's store holds, condensed: two nodes that applied the log up to the same revision
 * must report the same {@code digest}. From {@link CheckpointClient#fingerprint}.
 *
 * @param node the node that answered
 * @param appliedRevision the revision its store had applied
 * @param segments the number of segment records (deleted segments keep one)
 * @param versions the number of retained versions over all segments
 * @param digest SHA-256 (hex) over the store's catalog, independent of file layout
 * @param chunksVerified chunks read back and checked against their CRC32C (0 unless asked)
 * @param corruptChunks chunks that were missing or did not match, as {@code name@version#index}
 */
public record ReplicaFingerprint(String node, long appliedRevision, long segments, long versions, String digest,
    long chunksVerified, List<String> corruptChunks) {
  public ReplicaFingerprint {
    corruptChunks = List.copyOf(corruptChunks);
  }
}
