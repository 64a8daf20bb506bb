package io.ckpt.statemachine.store;

import io.ckpt.client.util.Crc32c;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.BatchEntry;
import io.ckpt.protocol.ChunkEntry;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.StagedUpload;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.protocol.Status;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a write on the leader before it enters the log: well-formed, within size limits,
 * checksums right, and within the store quota counting bytes already admitted but not yet
 * applied. A refused write never reaches the log, so apply never has to fail for these reasons.
 */
final class Admission {
  static final int MAX_UPLOAD_ID = 128;
  static final int MAX_OWNER = 128;
  static final long MIN_TTL_MS = 100;
  static final long MAX_TTL_MS = 3_600_000;
  static final int MAX_RETAIN = 1000;
  static final int MAX_BATCH_PUTS = 1024;

  private Admission() {}

  static void check(SegmentStore store, LogEntry entry, long reservedBytes) throws Rejected {
    StoreSettings s = store.settings();
    switch (entry.getOpCase()) {
      case PUT -> put(store, entry.getPut(), reservedBytes);
      case BATCH -> batch(store, entry.getBatch(), reservedBytes);
      case CHUNK -> {
        ChunkEntry c = entry.getChunk();
        name(c.getName());
        uploadId(c.getUploadId());
        if (c.getIndex() < 0 || c.getData().isEmpty() || c.getData().size() > s.maxChunkBytes()) {
          throw new Rejected(Status.INVALID, "chunk " + c.getIndex() + " of " + c.getData().size()
              + " bytes: chunks are 1.." + s.maxChunkBytes() + " bytes with index >= 0");
        }
        if (c.getIndex() >= StoreSettings.MAX_CHUNKS_PER_VERSION) {
          throw new Rejected(Status.TOO_LARGE, c.getName() + ": more than " + StoreSettings.MAX_CHUNKS_PER_VERSION
              + " chunks in one version; write it with larger chunks");
        }
        crc(c.getData(), c.getCrc32C(), c.getName());
        long staged = store.catalog().upload(c.getUploadId()).map(StagedUpload::getBytes).orElse(0L);
        size(c.getName(), staged + c.getData().size(), s);
        policySize(store, c.getName(), staged + c.getData().size());
        quota(store, c.getData().size(), reservedBytes);
        if (c.getIndex() == 0) {
          catalogRoom(store, c.getName());
        }
      }
      case STREAMED_CHUNKS -> streamedChunks(store, entry.getStreamedChunks(), reservedBytes);
      case COMMIT -> {
        CommitEntry c = entry.getCommit();
        name(c.getName());
        uploadId(c.getUploadId());
        size(c.getName(), c.getSize(), s);
      }
      case ABORT -> uploadId(entry.getAbort().getUploadId());
      case DELETE -> name(entry.getDelete().getName());
      case REGISTER -> {
        name(entry.getRegister().getName());
        policy(entry.getRegister().getPolicy(), s);
        catalogRoom(store, entry.getRegister().getName());
      }
      case ACQUIRE -> {
        name(entry.getAcquire().getName());
        owner(entry.getAcquire().getOwner());
        long ttl = entry.getAcquire().getTtlMs();
        if (ttl < MIN_TTL_MS || ttl > MAX_TTL_MS) {
          throw new Rejected(Status.INVALID, "lease ttl must be " + MIN_TTL_MS + " ms to " + MAX_TTL_MS + " ms, got " + ttl);
        }
        catalogRoom(store, entry.getAcquire().getName());
      }
      case RENEW -> {
        name(entry.getRenew().getName());
        owner(entry.getRenew().getOwner());
      }
      case RELEASE -> {
        name(entry.getRelease().getName());
        owner(entry.getRelease().getOwner());
      }
      case EXPIRE -> name(entry.getExpire().getName());
      default -> throw new Rejected(Status.INVALID, "empty or unknown write");
    }
  }

  private static void put(SegmentStore store, PutEntry put, long reservedBytes) throws Rejected {
    StoreSettings s = store.settings();
    name(put.getName());
    size(put.getName(), put.getData().size(), s);
    policySize(store, put.getName(), put.getData().size());
    if (put.getData().size() > s.maxChunkBytes()) {
      throw new Rejected(Status.TOO_LARGE, put.getName() + ": a single-entry write carries at most "
          + s.maxChunkBytes() + " bytes; larger segments are written in chunks");
    }
    crc(put.getData(), put.getCrc32C(), put.getName());
    quota(store, put.getData().size(), reservedBytes);
    catalogRoom(store, put.getName());
  }

  /**
   * A group commit is admitted whole or refused whole (the client then sends its puts one by
   * one, so each gets its own answer): every put as if alone, the bytes of the puts before it
   * counted as reserved; at most {@link #MAX_BATCH_PUTS} puts of {@code maxChunkBytes} in all,
   * each segment once.
   */
  private static void batch(SegmentStore store, BatchEntry batch, long reservedBytes) throws Rejected {
    if (batch.getPutsCount() == 0 || batch.getPutsCount() > MAX_BATCH_PUTS) {
      throw new Rejected(Status.INVALID, "a batch carries 1.." + MAX_BATCH_PUTS + " puts, got " + batch.getPutsCount());
    }
    long bytes = bytesOf(LogEntry.newBuilder().setBatch(batch).build());
    if (bytes > store.settings().maxChunkBytes()) {
      throw new Rejected(Status.TOO_LARGE, "a batch carries at most " + store.settings().maxChunkBytes()
          + " bytes, got " + bytes);
    }
    Set<String> names = new HashSet<>();
    long reserved = reservedBytes;
    for (PutEntry put : batch.getPutsList()) {
      if (!names.add(put.getName())) {
        throw new Rejected(Status.INVALID, put.getName() + " is written twice in one batch");
      }
      put(store, put, reserved);
      reserved += put.getData().size();
    }
  }

  /**
   * A streamed run as the leader completed it from its own copy: chunks of 1..maxChunkBytes,
   * one CRC32C per chunk, no bytes in the entry itself.
   */
  private static void streamedChunks(SegmentStore store, StreamedChunksEntry run, long reservedBytes)
      throws Rejected {
    StoreSettings s = store.settings();
    name(run.getName());
    uploadId(run.getUploadId());
    if (run.getChunkBytes() <= 0 || run.getChunkBytes() > s.maxChunkBytes()) {
      throw new Rejected(Status.INVALID, "streamed chunks must be 1.." + s.maxChunkBytes() + " bytes, got "
          + run.getChunkBytes());
    }
    if (run.getSize() <= 0 || run.getChunkCrc32CCount() != StreamedChunks.chunkCount(run.getSize(), run.getChunkBytes())) {
      throw new Rejected(Status.INVALID, "a stream of " + run.getSize() + " bytes in chunks of " + run.getChunkBytes()
          + " needs one CRC32C per chunk, got " + run.getChunkCrc32CCount());
    }
    if (run.getFirstIndex() < 0
        || (long) run.getFirstIndex() + run.getChunkCrc32CCount() > StoreSettings.MAX_CHUNKS_PER_VERSION) {
      throw new Rejected(Status.TOO_LARGE, run.getName() + ": more than " + StoreSettings.MAX_CHUNKS_PER_VERSION
          + " chunks in one version; write it with larger chunks");
    }
    long staged = store.catalog().upload(run.getUploadId()).map(StagedUpload::getBytes).orElse(0L);
    size(run.getName(), staged + run.getSize(), s);
    policySize(store, run.getName(), staged + run.getSize());
    quota(store, run.getSize(), reservedBytes);
    if (run.getFirstIndex() == 0) {
      catalogRoom(store, run.getName());
    }
  }

  /** Bytes a write will add to the store if admitted (0 for metadata-only writes). */
  static long bytesOf(LogEntry entry) {
    return switch (entry.getOpCase()) {
      case PUT -> entry.getPut().getData().size();
      case BATCH -> entry.getBatch().getPutsList().stream().mapToLong(p -> p.getData().size()).sum();
      case CHUNK -> entry.getChunk().getData().size();
      case STREAMED_CHUNKS -> entry.getStreamedChunks().getSize();
      default -> 0;
    };
  }

  private static void name(String name) throws Rejected {
    try {
      SegmentNames.validate(name);
    } catch (IllegalArgumentException e) {
      throw new Rejected(Status.INVALID, e.getMessage());
    }
  }

  private static void owner(String owner) throws Rejected {
    if (owner.isEmpty() || owner.length() > MAX_OWNER || owner.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
      throw new Rejected(Status.INVALID, "owner id must be 1.." + MAX_OWNER + " printable ASCII characters without spaces");
    }
  }

  private static void policy(io.ckpt.protocol.SegmentPolicy p, StoreSettings s) throws Rejected {
    if (p.getRetain() < 0 || p.getRetain() > MAX_RETAIN) {
      throw new Rejected(Status.INVALID, "retain must be 1.." + MAX_RETAIN + ", got " + p.getRetain());
    }
    if (p.getMaxSize() < 0 || p.getMaxSize() > s.maxSegmentBytes()) {
      throw new Rejected(Status.INVALID, "max size must be 0.." + s.maxSegmentBytes() + " bytes (the store's limit), got "
          + p.getMaxSize());
    }
  }

  private static void uploadId(String id) throws Rejected {
    if (id.isEmpty() || id.length() > MAX_UPLOAD_ID) {
      throw new Rejected(Status.INVALID, "upload id must be 1.." + MAX_UPLOAD_ID + " characters");
    }
  }

  private static void size(String name, long bytes, StoreSettings s) throws Rejected {
    if (bytes < 0) {
      throw new Rejected(Status.INVALID, name + ": negative size " + bytes);
    }
    if (bytes > s.maxSegmentBytes()) {
      throw new Rejected(Status.TOO_LARGE, name + " would be " + bytes + " bytes, over the maximum segment size of "
          + s.maxSegmentBytes() + " bytes");
    }
  }

  private static void policySize(SegmentStore store, String name, long bytes) throws Rejected {
    Optional<io.ckpt.protocol.SegmentRecord> r = store.catalog().segment(name);
    if (r.isPresent()) {
      long max = Policies.maxSize(r.get(), store.settings());
      if (bytes > max) {
        throw new Rejected(Status.TOO_LARGE, name + " would be " + bytes + " bytes, over its maximum size of " + max + " bytes");
      }
    }
  }

  private static void crc(com.google.protobuf.ByteString data, int crc, String name) throws Rejected {
    if (Crc32c.of(data) != crc) {
      throw new Rejected(Status.CORRUPT, name + ": the bytes do not match their CRC32C (damaged in transit)");
    }
  }

  private static void quota(SegmentStore store, long bytes, long reserved) throws Rejected {
    long used = store.usedBytes();
    long charge = store.settings().volumes().chargeOf((int) bytes);
    if (used + reserved + charge > store.settings().quotaBytes()) {
      throw new Rejected(Status.QUOTA_EXCEEDED, "store quota reached: " + used + " of " + store.settings().quotaBytes()
          + " bytes used (" + reserved + " more in flight); delete segments or raise ckpt.store.quota");
    }
  }

  private static void catalogRoom(SegmentStore store, String name) throws Rejected {
    if (!store.catalog().hasSegment(name) && store.catalog().entryCount() >= store.settings().catalogEntries() * 9L / 10) {
      throw new Rejected(Status.QUOTA_EXCEEDED, "the catalog is full (" + store.catalog().entryCount()
          + " segments and uploads): raise ckpt.store.catalog.entries (a deleted segment keeps its record, so that its "
          + "version numbers are never reused)");
    }
  }
}
