package io.ckpt.statemachine.store;

import com.google.protobuf.ByteString;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.ChunkEntry;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.DeleteEntry;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.ReadChunkQuery;
import io.ckpt.protocol.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds log entries and queries for store tests. */
final class StoreFixture {
  static final StoreSettings SETTINGS = new StoreSettings(VolumeSpec.small(), 64L << 20, 16L << 20, 3, 1024);

  private StoreFixture() {}

  static LogEntry put(String name, byte[] data) {
    return LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName(name).setData(ByteString.copyFrom(data))
        .setCrc32C(Crc32c.of(data))).build();
  }

  static LogEntry putIfVersion(String name, byte[] data, long expected) {
    return LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName(name).setData(ByteString.copyFrom(data))
        .setCrc32C(Crc32c.of(data)).setCondition(WriteCondition.newBuilder().setExpectedVersion(expected))).build();
  }

  static LogEntry chunk(String upload, String name, int index, byte[] data) {
    return LogEntry.newBuilder().setChunk(ChunkEntry.newBuilder().setUploadId(upload).setName(name).setIndex(index)
        .setData(ByteString.copyFrom(data)).setCrc32C(Crc32c.of(data))).build();
  }

  static LogEntry commit(String upload, String name, int chunks, byte[] whole) {
    return LogEntry.newBuilder().setCommit(CommitEntry.newBuilder().setUploadId(upload).setName(name)
        .setChunkCount(chunks).setSize(whole.length).setCrc32C(Crc32c.of(whole))).build();
  }

  static LogEntry register(String name, int retain, long maxSize) {
    return LogEntry.newBuilder().setRegister(io.ckpt.protocol.RegisterEntry.newBuilder().setName(name)
        .setPolicy(io.ckpt.protocol.SegmentPolicy.newBuilder().setRetain(retain).setMaxSize(maxSize))
        .setRegisteredBy("test")).build();
  }

  static LogEntry acquire(String name, String owner, boolean force) {
    return LogEntry.newBuilder().setAcquire(io.ckpt.protocol.AcquireEntry.newBuilder().setName(name).setOwner(owner)
        .setTtlMs(5000).setForce(force)).build();
  }

  static LogEntry release(String name, String owner, long epoch) {
    return LogEntry.newBuilder().setRelease(io.ckpt.protocol.ReleaseEntry.newBuilder().setName(name).setOwner(owner)
        .setEpoch(epoch)).build();
  }

  static LogEntry expire(String name, long epoch) {
    return LogEntry.newBuilder().setExpire(io.ckpt.protocol.ExpireEntry.newBuilder().setName(name).setEpoch(epoch)).build();
  }

  static LogEntry putWithEpoch(String name, byte[] data, long epoch) {
    return LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName(name).setData(ByteString.copyFrom(data))
        .setCrc32C(Crc32c.of(data)).setCondition(WriteCondition.newBuilder().setEpoch(epoch))).build();
  }

  static QueryReply watch(SegmentStore store, String name, long after) {
    return store.query(Query.newBuilder().setWatch(io.ckpt.protocol.WatchQuery.newBuilder().setName(name)
        .setAfterVersion(after)).build());
  }

  static LogEntry abort(String upload) {
    return LogEntry.newBuilder().setAbort(AbortEntry.newBuilder().setUploadId(upload)).build();
  }

  static LogEntry delete(String name) {
    return LogEntry.newBuilder().setDelete(DeleteEntry.newBuilder().setName(name)).build();
  }

  static QueryReply get(SegmentStore store, String name, long version) {
    return store.query(Query.newBuilder().setGet(GetQuery.newBuilder().setName(name).setVersion(version)
        .setIncludeFirstChunk(true)).build());
  }

  /** Reads a whole version chunk by chunk. */
  static byte[] read(SegmentStore store, String name, long version) {
    QueryReply head = get(store, name, version);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      head.getData().writeTo(out);
      for (int i = 1; i < head.getInfo().getChunkCount(); i++) {
        store.query(Query.newBuilder().setReadChunk(ReadChunkQuery.newBuilder().setName(name)
            .setVersion(head.getInfo().getVersion()).setIndex(i)).build()).getData().writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
