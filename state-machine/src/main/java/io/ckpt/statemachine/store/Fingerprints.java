package io.ckpt.statemachine.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.StoreFingerprint;
import io.ckpt.protocol.StoreState;
import io.ckpt.protocol.StoredVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes a store's {@link StoreFingerprint}: two replicas that applied the same log up to the
 * same revision have equal digests, whatever order their Chronicle files keep entries in.
 */
final class Fingerprints {
  /** Corrupt chunks listed by name; the count beyond this is still exact. */
  private static final int MAX_LISTED = 100;

  private Fingerprints() {}

  /** Must run while no entry is being applied (the caller holds the store's lock). */
  static StoreFingerprint of(SegmentStore store, boolean verifyChunks) {
    Map<String, byte[]> sorted = new TreeMap<>();
    store.catalog().forEachRaw(sorted::put);
    MessageDigest sha = sha256();
    StoreFingerprint.Builder fp = StoreFingerprint.newBuilder().setAppliedRevision(store.appliedRevision());
    for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
      byte[] value = e.getValue();
      if (e.getKey().equals(Catalog.STATE_KEY)) {
        value = parseState(value).toBuilder().clearAppliedRevision().clearAppliedTerm().build().toByteArray();
      } else if (!e.getKey().startsWith(Catalog.UPLOAD_PREFIX)) {
        SegmentRecord r = parseRecord(e.getKey(), value);
        fp.setSegments(fp.getSegments() + 1).setVersions(fp.getVersions() + r.getVersionsCount());
        if (verifyChunks) {
          verify(store, r, fp);
        }
      }
      sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(value);
    }
    return fp.setDigest(ByteString.copyFrom(sha.digest())).build();
  }

  private static void verify(SegmentStore store, SegmentRecord r, StoreFingerprint.Builder fp) {
    for (StoredVersion v : r.getVersionsList()) {
      for (int i = 0; i < v.getChunksCount(); i++) {
        ChunkRef ref = v.getChunks(i);
        byte[] data = store.readChunk(ref);
        fp.setChunksVerified(fp.getChunksVerified() + 1);
        if (data == null || data.length != ref.getSize() || Crc32c.of(data) != ref.getCrc32C()) {
          if (fp.getCorruptChunksCount() < MAX_LISTED) {
            fp.addCorruptChunks(r.getName() + "@" + v.getVersion() + "#" + i);
          }
        }
      }
    }
  }

  private static StoreState parseState(byte[] b) {
    try {
      return StoreState.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException("the store state record is unreadable: " + e.getMessage());
    }
  }

  private static SegmentRecord parseRecord(String key, byte[] b) {
    try {
      return SegmentRecord.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException("catalog record " + key + " is unreadable: " + e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
