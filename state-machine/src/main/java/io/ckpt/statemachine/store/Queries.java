package io.ckpt.statemachine.store;

import com.google.protobuf.UnsafeByteOperations;
import io.ckpt.client.util.Crc32c;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.ListQuery;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.ReadChunkQuery;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.StagedUpload;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StoredVersion;
import io.ckpt.protocol.UploadInfo;
import io.ckpt.protocol.VersionInfo;
import java.util.Optional;

/** Answers read-only queries from the store's current (applied) state. */
final class Queries {
  private static final int MAX_LIST = 10_000;
  /** The most gets one {@code BatchQuery} may carry (as many as a write batch carries puts). */
  static final int MAX_BATCH_GETS = 1024;
  /**
   * First-chunk bytes one batch reply may carry in all; later members come without their first
   * chunk. A reader's gRPC channel takes replies of its chunk size plus a few MiB (the node's own
   * 64 MB limit bounds only what it receives), so a batch carries at most one largest chunk's
   * worth of data.
   */
  static final int BATCH_DATA_BUDGET = 1 << 20;
  private final SegmentStore store;

  Queries(SegmentStore store) {
    this.store = store;
  }

  QueryReply answer(Query query) {
    long applied = store.appliedRevision();
    QueryReply.Builder reply = switch (query.getQCase()) {
      case GET -> get(query.getGet());
      case READ_CHUNK -> readChunk(query.getReadChunk());
      case LIST -> list(query.getList());
      case UPLOADS -> uploads();
      case STORE_STATUS -> QueryReply.newBuilder().setStoreStatus(store.status());
      case WATCH -> watch(query.getWatch());
      case LEASES -> leases();
      case FINGERPRINT -> QueryReply.newBuilder().setFingerprint(store.fingerprint(query.getFingerprint().getVerifyChunks()));
      case BATCH -> batch(query.getBatch(), applied);
      default -> error(Status.INVALID, "empty or unknown query");
    };
    return reply.setAppliedRevision(applied).build();
  }

  private QueryReply.Builder get(GetQuery q) {
    return get(q, Long.MAX_VALUE);
  }

  /** A get whose first chunk, if asked for, is left out when larger than {@code chunkBudget}. */
  private QueryReply.Builder get(GetQuery q, long chunkBudget) {
    if (!SegmentNames.isValid(q.getName())) {
      return error(Status.INVALID, "invalid segment name '" + q.getName() + "'");
    }
    Optional<SegmentRecord> record = store.catalog().segment(q.getName());
    if (record.isEmpty()) {
      return error(Status.NOT_FOUND, "segment " + q.getName() + " does not exist");
    }
    if (record.get().getVersionsCount() == 0) {
      return describe(record.get()).setStatus(Status.NOT_FOUND)
          .setMessage("segment " + q.getName() + " is registered but has no versions");
    }
    Optional<StoredVersion> version = find(record.get(), q.getVersion());
    if (version.isEmpty()) {
      return notRetained(record.get(), q.getVersion());
    }
    QueryReply.Builder reply = describe(record.get()).setInfo(info(q.getName(), version.get()));
    record.get().getVersionsList().forEach(v -> reply.addRetainedVersions(v.getVersion()));
    if (q.getIncludeFirstChunk() && version.get().getChunksCount() > 0
        && version.get().getChunks(0).getSize() <= chunkBudget) {
      return withChunk(reply, q.getName(), version.get(), 0);
    }
    return reply;
  }

  /**
   * Answers every member as if asked alone, from this one state; a member's first chunk is left
   * out once the members before it used up {@link #BATCH_DATA_BUDGET}.
   */
  private QueryReply.Builder batch(io.ckpt.protocol.BatchQuery q, long applied) {
    if (q.getGetsCount() == 0 || q.getGetsCount() > MAX_BATCH_GETS) {
      return error(Status.INVALID, "a batch query carries 1.." + MAX_BATCH_GETS + " gets, got " + q.getGetsCount());
    }
    QueryReply.Builder reply = QueryReply.newBuilder();
    long budget = BATCH_DATA_BUDGET;
    for (GetQuery member : q.getGetsList()) {
      QueryReply r = get(member, budget).setAppliedRevision(applied).build();
      budget -= r.getData().size();
      reply.addBatch(r);
    }
    return reply;
  }

  private QueryReply.Builder readChunk(ReadChunkQuery q) {
    if (!SegmentNames.isValid(q.getName())) {
      return error(Status.INVALID, "invalid segment name '" + q.getName() + "'");
    }
    Optional<SegmentRecord> record = store.catalog().segment(q.getName());
    Optional<StoredVersion> version = record.flatMap(r -> find(r, q.getVersion()));
    if (version.isEmpty() || q.getVersion() <= 0) {
      return error(Status.NOT_FOUND, q.getName() + " v" + q.getVersion() + " is not retained");
    }
    if (q.getIndex() < 0 || q.getIndex() >= version.get().getChunksCount()) {
      return error(Status.INVALID, q.getName() + " v" + q.getVersion() + " has no chunk " + q.getIndex());
    }
    return withChunk(QueryReply.newBuilder().setInfo(info(q.getName(), version.get())), q.getName(), version.get(), q.getIndex());
  }

  private QueryReply.Builder withChunk(QueryReply.Builder reply, String name, StoredVersion v, int index) {
    ChunkRef ref = v.getChunks(index);
    byte[] data = store.readChunk(ref);
    if (data == null) {
      // Retention or delete removed the version between the record lookup and this read.
      return error(Status.NOT_FOUND, name + " v" + v.getVersion() + " is no longer retained");
    }
    int crc = Crc32c.of(data);
    if (crc != ref.getCrc32C()) {
      return error(Status.CORRUPT, "chunk " + index + " of " + name + " v" + v.getVersion()
          + " is damaged on this node (CRC32C mismatch)");
    }
    return reply.setData(UnsafeByteOperations.unsafeWrap(data)).setDataCrc32C(crc);
  }

  private QueryReply.Builder list(ListQuery q) {
    try {
      SegmentNames.validatePrefix(q.getPrefix());
    } catch (IllegalArgumentException e) {
      return error(Status.INVALID, e.getMessage());
    }
    int limit = q.getLimit() <= 0 ? 1000 : Math.min(q.getLimit(), MAX_LIST);
    String from = q.getStartAfter().compareTo(q.getPrefix()) > 0 ? q.getStartAfter() : q.getPrefix();
    boolean inclusive = !from.equals(q.getStartAfter());
    QueryReply.Builder reply = QueryReply.newBuilder();
    for (String name : store.catalog().names().tailSet(from, inclusive)) {
      if (!name.startsWith(q.getPrefix())) {
        break;
      }
      if (reply.getEntriesCount() == limit) {
        return reply.setMore(true);
      }
      store.catalog().segment(name).flatMap(r -> find(r, 0)).ifPresent(v -> reply.addEntries(info(name, v)));
    }
    return reply;
  }

  private QueryReply.Builder uploads() {
    QueryReply.Builder reply = QueryReply.newBuilder();
    for (String id : store.catalog().uploadIds()) {
      Optional<StagedUpload> u = store.catalog().upload(id);
      u.ifPresent(x -> reply.addUploads(UploadInfo.newBuilder().setUploadId(id).setName(x.getName())
          .setChunks(x.getChunksCount()).setBytes(x.getBytes()).setLastRevision(x.getLastRevision())));
    }
    return reply;
  }

  /** Every version newer than after_version that is still retained, oldest first. */
  private QueryReply.Builder watch(io.ckpt.protocol.WatchQuery q) {
    if (!SegmentNames.isValid(q.getName())) {
      return error(Status.INVALID, "invalid segment name '" + q.getName() + "'");
    }
    QueryReply.Builder reply = QueryReply.newBuilder();
    Optional<SegmentRecord> record = store.catalog().segment(q.getName());
    if (record.isEmpty()) {
      return reply;
    }
    describe(record.get(), reply);
    for (StoredVersion v : record.get().getVersionsList()) {
      if (v.getVersion() > q.getAfterVersion()) {
        if (reply.getEntriesCount() == 0 && v.getVersion() > q.getAfterVersion() + 1) {
          reply.setMissedTo(v.getVersion() - 1);
        }
        reply.addEntries(info(q.getName(), v));
      }
    }
    if (reply.getEntriesCount() == 0 && record.get().getLastVersion() > q.getAfterVersion()) {
      reply.setMissedTo(record.get().getLastVersion());
    }
    return reply;
  }

  private QueryReply.Builder leases() {
    QueryReply.Builder reply = QueryReply.newBuilder();
    for (String name : store.catalog().names()) {
      store.catalog().segment(name).filter(r -> !r.getOwner().isEmpty()).ifPresent(r -> reply.addLeases(
          io.ckpt.protocol.LeaseInfo.newBuilder().setName(name).setOwner(r.getOwner()).setEpoch(r.getEpoch())
              .setTtlMs(r.getLeaseTtlMs())));
    }
    return reply;
  }

  private QueryReply.Builder describe(SegmentRecord r) {
    return describe(r, QueryReply.newBuilder());
  }

  private QueryReply.Builder describe(SegmentRecord r, QueryReply.Builder reply) {
    return reply.setOwner(r.getOwner()).setEpoch(r.getEpoch()).setRegisteredBy(r.getRegisteredBy())
        .setPolicy(Policies.resolve(r.getPolicy(), store.settings()));
  }

  /** Version 0 is the latest. */
  static Optional<StoredVersion> find(SegmentRecord record, long version) {
    if (record.getVersionsCount() == 0) {
      return Optional.empty();
    }
    if (version == 0) {
      return Optional.of(record.getVersions(record.getVersionsCount() - 1));
    }
    return record.getVersionsList().stream().filter(v -> v.getVersion() == version).findFirst();
  }

  private static QueryReply.Builder notRetained(SegmentRecord record, long version) {
    String retained = String.join(", ", record.getVersionsList().stream().map(v -> "v" + v.getVersion()).toList());
    String why = version > record.getLastVersion() ? "does not exist yet" : "is no longer retained";
    return error(Status.NOT_FOUND, record.getName() + " v" + version + " " + why + " (retained: " + retained + ")");
  }

  static VersionInfo info(String name, StoredVersion v) {
    return VersionInfo.newBuilder().setName(name).setVersion(v.getVersion()).setRevision(v.getRevision())
        .setSize(v.getSize()).setCrc32C(v.getCrc32C()).setChunkCount(v.getChunksCount()).build();
  }

  private static QueryReply.Builder error(Status status, String message) {
    return QueryReply.newBuilder().setStatus(status).setMessage(message);
  }
}
