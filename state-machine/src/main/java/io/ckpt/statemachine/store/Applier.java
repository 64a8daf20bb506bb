package io.ckpt.statemachine.store;

import com.google.protobuf.ByteString;
import io.ckpt.client.util.Crc32c;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.BatchEntry;
import io.ckpt.protocol.ChunkEntry;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.DeleteEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.StagedUpload;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StoredVersion;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.protocol.VersionInfo;
import io.ckpt.protocol.WriteCondition;
import io.ckpt.protocol.WriteReply;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The deterministic effect of each log entry on the store. No clocks, no randomness: what a
 * replica does depends only on its store content, the revision and the entry. Invalid entries
 * (which admission normally keeps out of the log) get an error reply and change nothing.
 */
final class Applier {
  private final SegmentStore store;
  private final Ownership ownership;

  Applier(SegmentStore store) {
    this.store = store;
    this.ownership = new Ownership(store);
  }

  WriteReply apply(long revision, LogEntry entry) {
    try {
      return switch (entry.getOpCase()) {
        case PUT -> put(revision, entry.getPut());
        case BATCH -> batch(revision, entry.getBatch());
        case CHUNK -> chunk(revision, entry.getChunk(), null);
        case STREAMED_CHUNKS -> streamedChunks(revision, entry.getStreamedChunks());
        case COMMIT -> commit(revision, entry.getCommit());
        case ABORT -> abort(entry.getAbort());
        case DELETE -> delete(entry.getDelete());
        case REGISTER -> validName(entry.getRegister().getName()) ? ownership.register(entry.getRegister())
            : invalidName(entry.getRegister().getName());
        case ACQUIRE -> validName(entry.getAcquire().getName()) && !entry.getAcquire().getOwner().isEmpty()
            ? ownership.acquire(entry.getAcquire()) : error(Status.INVALID, "acquire needs a valid name and owner");
        case RENEW -> ownership.renew(entry.getRenew());
        case RELEASE -> ownership.release(entry.getRelease());
        case EXPIRE -> ownership.expire(entry.getExpire());
        default -> error(Status.INVALID, "empty or unknown log entry");
      };
    } catch (io.ckpt.client.store.VolumeFullException e) {
      return error(Status.QUOTA_EXCEEDED, "store volumes are full: " + e.getMessage());
    } catch (IOException e) {
      throw new StoreCorruptException("store write failed at revision " + revision + ": " + e.getMessage(), e);
    }
  }

  private WriteReply put(long revision, PutEntry put) throws IOException {
    ByteString data = put.getData();
    Optional<WriteReply> invalid = checkName(put.getName())
        .or(() -> data.size() > store.settings().maxChunkBytes()
            ? Optional.of(error(Status.TOO_LARGE, "entry of " + data.size() + " bytes exceeds the chunk limit")) : Optional.empty())
        .or(() -> Crc32c.of(data) != put.getCrc32C()
            ? Optional.of(error(Status.CORRUPT, put.getName() + ": data does not match its CRC32C")) : Optional.empty());
    if (invalid.isPresent()) {
      return invalid.get();
    }
    Optional<SegmentRecord> current = store.catalog().segment(put.getName());
    Optional<WriteReply> conflict = checkCondition(put.getName(), current, put.getCondition())
        .or(() -> checkSize(put.getName(), current, data.size()));
    if (conflict.isPresent()) {
      return conflict.get();
    }
    List<ChunkRef> chunks = data.isEmpty() ? List.of() : List.of(store.storeChunk(data, put.getCrc32C()));
    return publish(revision, put.getName(), current, chunks, data.size(), put.getCrc32C());
  }

  /**
   * Each put of a group commit as if it were alone, in order. A put that finds the volumes full
   * fails alone: the puts before it stay applied and their replies say so. A second put of the
   * same segment (admission keeps them out) is refused, so a segment never gets two versions at
   * one revision.
   */
  private WriteReply batch(long revision, BatchEntry batch) throws IOException {
    WriteReply.Builder reply = WriteReply.newBuilder();
    Set<String> names = new HashSet<>();
    for (PutEntry put : batch.getPutsList()) {
      if (!names.add(put.getName())) {
        reply.addBatch(error(Status.INVALID, put.getName() + " is written twice in one batch"));
        continue;
      }
      try {
        reply.addBatch(put(revision, put));
      } catch (io.ckpt.client.store.VolumeFullException e) {
        reply.addBatch(error(Status.QUOTA_EXCEEDED, "store volumes are full: " + e.getMessage()));
      }
    }
    return reply.build();
  }

  /**
   * Stages the chunks of a streamed run one by one, as the {@code ChunkEntry}s they stand for,
   * kept by reference in the run's stream file (named after {@code revision}: the node checked
   * it against the chunk CRCs before apply); stops at the first refused chunk, so the upload's
   * commit then finds it incomplete.
   */
  private WriteReply streamedChunks(long revision, StreamedChunksEntry run) throws IOException {
    int count = run.getChunkCrc32CCount();
    if (run.getChunkBytes() <= 0 || run.getSize() <= 0
        || count != StreamedChunks.chunkCount(run.getSize(), run.getChunkBytes())) {
      return error(Status.INVALID, "streamed chunks of " + run.getName() + ": a size of " + run.getSize() + " in "
          + count + " chunks of " + run.getChunkBytes());
    }
    WriteReply reply = null;
    for (int k = 0; k < count; k++) {
      long from = (long) k * run.getChunkBytes();
      int size = (int) Math.min(run.getChunkBytes(), run.getSize() - from);
      reply = chunk(revision, ChunkEntry.newBuilder().setUploadId(run.getUploadId()).setName(run.getName())
          .setIndex(run.getFirstIndex() + k).setCrc32C(run.getChunkCrc32C(k)).build(), new Streamed(from, size));
      if (reply.getStatus() != Status.OK) {
        return reply;
      }
    }
    return reply;
  }

  /** Where a streamed chunk's bytes are in its run's stream file (checked against its CRC32C already). */
  private record Streamed(long offset, int size) {}

  /**
   * Stages one chunk: its bytes are in the entry, or with {@code streamed} in the stream file of
   * log entry {@code revision}.
   */
  private WriteReply chunk(long revision, ChunkEntry chunk, Streamed streamed) throws IOException {
    if (chunk.getUploadId().isEmpty()) {
      return error(Status.INVALID, "chunk without upload id");
    }
    Optional<WriteReply> badName = checkName(chunk.getName());
    if (badName.isPresent()) {
      return badName.get();
    }
    ByteString data = chunk.getData();
    int size = streamed == null ? data.size() : streamed.size();
    if (size == 0 || size > store.settings().maxChunkBytes()) {
      return error(Status.INVALID, "chunk of " + size + " bytes (must be 1.." + store.settings().maxChunkBytes() + ")");
    }
    if (chunk.getIndex() >= StoreSettings.MAX_CHUNKS_PER_VERSION) {
      return error(Status.TOO_LARGE, chunk.getName() + ": more than " + StoreSettings.MAX_CHUNKS_PER_VERSION + " chunks");
    }
    if (streamed == null && Crc32c.of(data) != chunk.getCrc32C()) {
      return error(Status.CORRUPT, "chunk " + chunk.getIndex() + " of " + chunk.getName() + " does not match its CRC32C");
    }
    Optional<StagedUpload> staged = store.catalog().upload(chunk.getUploadId());
    if (staged.isEmpty() && chunk.getIndex() > 0) {
      return error(Status.NOT_FOUND, "upload " + chunk.getUploadId() + " of " + chunk.getName()
          + " is unknown: it was aborted (idle too long, or by its writer); write the segment again");
    }
    StagedUpload upload = staged.orElse(StagedUpload.newBuilder()
        .setUploadId(chunk.getUploadId()).setName(chunk.getName()).setFirstRevision(revision).build());
    if (!upload.getName().equals(chunk.getName())) {
      return error(Status.INVALID, "upload " + chunk.getUploadId() + " belongs to " + upload.getName());
    }
    if (chunk.getIndex() < upload.getChunksCount()) {
      return WriteReply.newBuilder().setStagedChunks(upload.getChunksCount()).setMessage("duplicate chunk").build();
    }
    if (chunk.getIndex() > upload.getChunksCount()) {
      return error(Status.INVALID, "chunk " + chunk.getIndex() + " of upload " + chunk.getUploadId()
          + " arrived before chunk " + upload.getChunksCount());
    }
    if (upload.getBytes() + size > store.settings().maxSegmentBytes()) {
      return error(Status.TOO_LARGE, chunk.getName() + " exceeds the maximum segment size " + store.settings().maxSegmentBytes());
    }
    ChunkRef ref = streamed == null ? store.storeChunk(data, chunk.getCrc32C())
        : store.referStreamedChunk(revision, streamed.offset(), size, chunk.getCrc32C());
    StagedUpload updated = upload.toBuilder().addChunks(ref).setBytes(upload.getBytes() + size)
        .setCrc32C(Crc32c.combine(upload.getCrc32C(), chunk.getCrc32C(), size))
        .setLastRevision(revision).build();
    store.catalog().putUpload(updated);
    return WriteReply.newBuilder().setStagedChunks(updated.getChunksCount()).build();
  }

  private WriteReply commit(long revision, CommitEntry commit) {
    Optional<StagedUpload> staged = store.catalog().upload(commit.getUploadId());
    if (staged.isEmpty()) {
      return error(Status.NOT_FOUND, "upload " + commit.getUploadId() + " of " + commit.getName()
          + " is unknown (already committed, aborted or collected)");
    }
    StagedUpload upload = staged.get();
    store.catalog().removeUpload(upload.getUploadId());
    if (!upload.getName().equals(commit.getName()) || upload.getChunksCount() != commit.getChunkCount()
        || upload.getBytes() != commit.getSize() || upload.getCrc32C() != commit.getCrc32C()) {
      store.freeChunks(upload.getChunksList());
      return error(Status.CORRUPT, "upload of " + commit.getName() + " is incomplete or damaged: staged "
          + upload.getChunksCount() + " chunks / " + upload.getBytes() + " bytes, commit says "
          + commit.getChunkCount() + " / " + commit.getSize());
    }
    Optional<SegmentRecord> current = store.catalog().segment(commit.getName());
    Optional<WriteReply> conflict = checkCondition(commit.getName(), current, commit.getCondition())
        .or(() -> checkSize(commit.getName(), current, upload.getBytes()));
    if (conflict.isPresent()) {
      store.freeChunks(upload.getChunksList());
      return conflict.get();
    }
    return publish(revision, commit.getName(), current, upload.getChunksList(), upload.getBytes(), upload.getCrc32C());
  }

  private WriteReply abort(AbortEntry abort) {
    Optional<StagedUpload> staged = store.catalog().upload(abort.getUploadId());
    if (staged.isEmpty()) {
      return error(Status.NOT_FOUND, "upload " + abort.getUploadId() + " is unknown");
    }
    store.catalog().removeUpload(abort.getUploadId());
    store.freeChunks(staged.get().getChunksList());
    return WriteReply.getDefaultInstance();
  }

  private WriteReply delete(DeleteEntry delete) {
    Optional<WriteReply> badName = checkName(delete.getName());
    if (badName.isPresent()) {
      return badName.get();
    }
    Optional<SegmentRecord> current = store.catalog().segment(delete.getName());
    Optional<WriteReply> conflict = checkCondition(delete.getName(), current, delete.getCondition());
    if (conflict.isPresent()) {
      return conflict.get();
    }
    if (current.isEmpty() || current.get().getVersionsCount() == 0) {
      return error(Status.NOT_FOUND, "segment " + delete.getName() + " has no versions to delete");
    }
    // The record stays (policy, version counter, epoch) so numbers are never reused for the name.
    store.catalog().putSegment(current.get().toBuilder().clearVersions().build());
    for (StoredVersion v : current.get().getVersionsList()) {
      store.freeChunks(v.getChunksList());
    }
    return WriteReply.getDefaultInstance();
  }

  /** Makes a new version visible, then applies retention. */
  private WriteReply publish(long revision, String name, Optional<SegmentRecord> current, List<ChunkRef> chunks,
      long size, int crc32c) {
    SegmentRecord.Builder record = current.map(SegmentRecord::toBuilder)
        .orElseGet(() -> Policies.newRecord(name, io.ckpt.protocol.SegmentPolicy.getDefaultInstance(), "",
            store.settings()));
    long version = record.getLastVersion() + 1;
    record.setLastVersion(version).addVersions(StoredVersion.newBuilder().setVersion(version).setRevision(revision)
        .setSize(size).setCrc32C(crc32c).addAllChunks(chunks));
    List<StoredVersion> removed = List.of();
    int excess = record.getVersionsCount() - Policies.retain(record.build(), store.settings());
    if (excess > 0) {
      removed = List.copyOf(record.getVersionsList().subList(0, excess));
      List<StoredVersion> kept = List.copyOf(record.getVersionsList().subList(excess, record.getVersionsCount()));
      record.clearVersions().addAllVersions(kept);
    }
    store.catalog().putSegment(record.build());
    for (StoredVersion old : removed) {
      store.freeChunks(old.getChunksList());
    }
    return WriteReply.newBuilder().setVersion(VersionInfo.newBuilder().setName(name).setVersion(version)
        .setRevision(revision).setSize(size).setCrc32C(crc32c).setChunkCount(chunks.size())).build();
  }

  /** The version a compare-and-set compares with: the latest existing one, 0 when there is none. */
  static long currentVersion(Optional<SegmentRecord> record) {
    return record.filter(r -> r.getVersionsCount() > 0).map(SegmentRecord::getLastVersion).orElse(0L);
  }

  private static Optional<WriteReply> checkCondition(String name, Optional<SegmentRecord> current, WriteCondition c) {
    if (c.getNoCreate() && current.isEmpty()) {
      return Optional.of(error(Status.NOT_FOUND, name + " is not registered (and the write asked not to create it)"));
    }
    if (c.hasEpoch()) {
      long epoch = current.map(SegmentRecord::getEpoch).orElse(0L);
      if (c.getEpoch() != epoch) {
        return Optional.of(Ownership.fenced(current.orElse(SegmentRecord.newBuilder().setName(name).build()), c.getEpoch()));
      }
    }
    long currentVersion = currentVersion(current);
    if (c.hasExpectedVersion() && c.getExpectedVersion() != currentVersion) {
      return Optional.of(WriteReply.newBuilder().setStatus(Status.CONFLICT).setCurrentVersion(currentVersion)
          .setMessage(name + ": expected version " + c.getExpectedVersion() + " but the current version is "
              + currentVersion).build());
    }
    return Optional.empty();
  }

  private Optional<WriteReply> checkSize(String name, Optional<SegmentRecord> current, long size) {
    long max = current.map(r -> Policies.maxSize(r, store.settings())).orElse(store.settings().maxSegmentBytes());
    if (size > max) {
      return Optional.of(error(Status.TOO_LARGE, name + ": " + size + " bytes exceeds the maximum segment size " + max));
    }
    return Optional.empty();
  }

  private static boolean validName(String name) {
    return SegmentNames.isValid(name);
  }

  private static WriteReply invalidName(String name) {
    return error(Status.INVALID, "invalid segment name '" + name + "'");
  }

  private static Optional<WriteReply> checkName(String name) {
    if (!SegmentNames.isValid(name)) {
      return Optional.of(error(Status.INVALID, "invalid segment name '" + name + "'"));
    }
    return Optional.empty();
  }

  static WriteReply error(Status status, String message) {
    return WriteReply.newBuilder().setStatus(status).setMessage(message).build();
  }
}
