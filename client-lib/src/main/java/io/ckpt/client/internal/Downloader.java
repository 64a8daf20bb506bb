package io.ckpt.client.internal;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.ProgressListener;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.ReadChunkQuery;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.VersionInfo;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads a version chunk by chunk. The first query (linearizable unless stale was asked for)
 * fixes the version and the node; later chunks are read from that node at or after the
 * revision it reported, so every chunk belongs to the same immutable version.
 */
public final class Downloader {
  /** Chunks fetched ahead of the one being delivered (each up to a chunk's size in memory). */
  static final int PREFETCH = 4;
  private final RaftTransport transport;
  private final ReadBatchers batchers;

  /**
   * Reads through {@code transport}; heads go through {@code batchers}: linearizable ones from
   * the leader, stale ones per node.
   */
  public Downloader(RaftTransport transport, ReadBatchers batchers) {
    this.transport = transport;
    this.batchers = batchers;
  }

  /** Receives each verified chunk of a version in order. */
  @FunctionalInterface
  public interface ChunkSink {
    void accept(int index, ByteBuffer data, int crc32c);
  }

  /** The head of a read: the version's info, its first chunk, and who answered. */
  public record Head(SegmentInfo info, int chunkCount, QueryReply reply, String node) {}

  public Head head(String name, ReadOptions options, boolean withFirstChunk, Deadline deadline) {
    GetQuery get = GetQuery.newBuilder().setName(name).setVersion(options.version())
        .setIncludeFirstChunk(withFirstChunk).build();
    // A head may come without its first chunk (a batch ran out of reply bytes): stream reads it.
    // Linearizable reads from a named node (a ReadIndex through that follower) go alone.
    ReadBatcher batcher = !batchers.enabled() ? null
        : options.isStale() ? batchers.stale(options.node().orElse(null))
        : options.node().isEmpty() ? batchers.leader() : null;
    RaftTransport.Answer a = batcher != null
        ? transport.retrying(() -> batcher.submit(get), deadline, "get " + name)
        : transport.query(Query.newBuilder().setGet(get).build(), options.node().orElse(null), options.isStale(), 0,
            deadline, "get " + name);
    QueryReply r = a.reply();
    Replies.check(r.getStatus(), r.getMessage(), -1, -1);
    return new Head(toInfo(r.getInfo(), a.node(), r.getAppliedRevision()), r.getInfo().getChunkCount(), r, a.node());
  }

  public static SegmentInfo toInfo(VersionInfo v, String node) {
    return toInfo(v, node, 0);
  }

  public static SegmentInfo toInfo(VersionInfo v, String node, long readRevision) {
    return new SegmentInfo(v.getName(), v.getVersion(), v.getRevision(), v.getSize(), v.getCrc32C(), node, readRevision);
  }

  /**
   * Streams every chunk of the version {@code head} describes into {@code sink}, in order,
   * verifying CRCs. Up to {@link #PREFETCH} chunks are fetched ahead of the one being delivered.
   */
  public void stream(Head head, ChunkSink sink, ProgressListener progress, Deadline deadline) {
    SegmentInfo info = head.info();
    CRC32C whole = new CRC32C();
    long done = 0;
    java.util.ArrayDeque<java.util.concurrent.CompletableFuture<QueryReply>> ahead = new java.util.ArrayDeque<>();
    int next = head.reply().getData().size() > 0 ? 1 : 0;
    try {
      for (int i = 0; i < head.chunkCount(); i++) {
        while (next < head.chunkCount() && ahead.size() < PREFETCH) {
          int index = next++;
          ahead.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> readChunk(head, index, deadline),
              transport.readExecutor()));
        }
        QueryReply r = i == 0 && head.reply().getData().size() > 0 ? head.reply() : join(ahead.removeFirst());
        ByteBuffer data = r.getData().asReadOnlyByteBuffer();
        if (Crc32c.of(data) != r.getDataCrc32C()) {
          throw new CorruptDataException("chunk " + i + " of " + info.name() + " v" + info.version()
              + " from node " + head.node() + " failed its CRC32C check");
        }
        whole.update(data.duplicate());
        sink.accept(i, data, r.getDataCrc32C());
        done += r.getData().size();
        progress.onProgress(done, info.size());
      }
    } finally {
      ahead.forEach(f -> f.cancel(true));
    }
    if (done != info.size() || (int) whole.getValue() != info.crc32c()) {
      throw new CorruptDataException(info.name() + " v" + info.version() + " from node " + head.node()
          + " does not match its size and CRC32C (" + done + " bytes, crc " + Integer.toHexString((int) whole.getValue())
          + "; expected " + info.size() + " bytes, crc " + info.crc32cHex() + ")");
    }
  }

  /**
   * The version being streamed was removed meanwhile (retention kept only newer ones, or the
   * segment was deleted). A read of the latest version starts again from the new latest one.
   */
  public static final class RemovedWhileReading extends SegmentNotFoundException {
    RemovedWhileReading(String message) {
      super(message);
    }
  }

  /** Waits for a prefetched chunk; interruptible (a takeover may stop a standby's load). */
  private static QueryReply join(java.util.concurrent.CompletableFuture<QueryReply> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.ckpt.client.UnavailableException("read interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new io.ckpt.client.UnavailableException("read failed: " + e.getCause(), e.getCause());
    }
  }

  private QueryReply readChunk(Head head, int index, Deadline deadline) {
    SegmentInfo info = head.info();
    Query q = Query.newBuilder().setReadChunk(ReadChunkQuery.newBuilder()
        .setName(info.name()).setVersion(info.version()).setIndex(index)).build();
    QueryReply r = transport.query(q, head.node(), true, head.reply().getAppliedRevision(), deadline,
        "get " + info.name()).reply();
    if (r.getStatus() == Status.NOT_FOUND) {
      throw new RemovedWhileReading(info.name() + " v" + info.version()
          + " was removed (retention or delete) while it was being read; read it again");
    }
    if (r.getStatus() != Status.OK) {
      throw new CheckpointException("reading chunk " + index + " of " + info.name() + ": " + r.getMessage());
    }
    return r;
  }
}
