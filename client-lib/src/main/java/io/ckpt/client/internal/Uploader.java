package io.ckpt.client.internal;

import com.google.protobuf.ByteString;
import io.ckpt.client.CheckpointException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.ProgressListener;
import io.ckpt.client.PutOptions;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.WriteResult;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.AbortEntry;
import io.ckpt.protocol.ChunkEntry;
import io.ckpt.protocol.CommitEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteCondition;
import io.ckpt.protocol.WriteReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * Writes a segment: one {@code PutEntry} when it fits in a chunk, otherwise a stream of
 * {@code ChunkEntry}s on one lane, then a {@code CommitEntry} that publishes the version. The
 * bytes in flight over all uploads of the client are bounded, so large writers cannot flood the
 * leader's log appender and starve heartbeats.
 */
public final class Uploader {
  private final RaftTransport transport;
  private final int chunkSize;
  private final Semaphore inFlight;
  private final String uploadPrefix = UUID.randomUUID().toString();
  private final AtomicLong uploadSeq = new AtomicLong();
  private final GroupCommit groupCommit;
  /** Puts of at most this many bytes go through group commit (-1: none do). */
  private final int groupCommitPutBytes;

  public Uploader(RaftTransport transport) {
    this.transport = transport;
    ClientSettings.GroupCommitSettings g = transport.settings().groupCommit();
    this.groupCommit = new GroupCommit(transport, g.maxBytes(), g.inFlight());
    this.groupCommitPutBytes = g.enabled() ? g.maxPutBytes() : -1;
    this.chunkSize = transport.settings().chunkSize();
    // At least one chunk, so every acquire can succeed.
    this.inFlight = new Semaphore((int) Math.min(Integer.MAX_VALUE, Math.max(chunkSize, transport.settings().maxInFlightBytes())));
  }

  static WriteCondition condition(PutOptions options) {
    WriteCondition.Builder c = WriteCondition.newBuilder().setNoCreate(options.isNoCreate());
    options.expectedVersion().ifPresent(c::setExpectedVersion);
    options.epoch().ifPresent(c::setEpoch);
    return c.build();
  }

  private static long expected(PutOptions options) {
    return options.expectedVersion().orElse(-1);
  }

  /** The single-entry write of a segment that fits in one chunk. */
  public CompletableFuture<WriteResult> putSmall(String name, byte[] data, PutOptions options) {
    if (data.length > chunkSize) {
      throw new InvalidRequestException("internal: putSmall of " + data.length + " bytes");
    }
    LogEntry e = LogEntry.newBuilder().setPut(PutEntry.newBuilder()
        .setName(name).setData(ByteString.copyFrom(data)).setCrc32C(Crc32c.of(data))
        .setCondition(condition(options))).build();
    acquire(data.length, transport.deadline(), name);
    CompletableFuture<WriteReply> written;
    try {
      written = data.length <= groupCommitPutBytes ? groupCommit.submit(e.getPut()) : transport.write(transport.lane(), e);
    } catch (RuntimeException t) {
      inFlight.release(data.length);
      throw t;
    }
    return written
        .whenComplete((r, t) -> inFlight.release(data.length))
        .thenApply(r -> Replies.toResult(r, expected(options)));
  }

  /** Streams {@code in} as a new version; never holds more than the in-flight bound of it. */
  public WriteResult put(String name, InputStream in, PutOptions options, long totalHint, ProgressListener progress) {
    Deadline deadline = transport.deadline();
    byte[] first = readChunk(in);
    byte[] second = first.length < chunkSize ? new byte[0] : readChunk(in);
    if (second.length == 0) {
      WriteResult r = transport.await(putSmall(name, first, options), deadline, "put " + name);
      progress.onProgress(first.length, first.length);
      return r;
    }
    return putChunked(name, first, second, in, options, totalHint, progress, deadline);
  }

  private WriteResult putChunked(String name, byte[] first, byte[] second, InputStream in, PutOptions options,
      long totalHint, ProgressListener progress, Deadline deadline) {
    String uploadId = uploadPrefix + "-" + uploadSeq.incrementAndGet();
    RaftTransport.Lane lane = transport.lane();
    CRC32C whole = new CRC32C();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<CompletableFuture<WriteReply>> pending = new ArrayList<>();
    AtomicLong acked = new AtomicLong();
    long sent = 0;
    int index = 0;
    boolean ok = false;
    try {
      byte[] chunk = first;
      byte[] lookahead = second;
      while (chunk.length > 0) {
        if (failure.get() != null) {
          break;
        }
        whole.update(chunk);
        acquire(chunk.length, deadline, name);
        final int len = chunk.length;
        LogEntry e = LogEntry.newBuilder().setChunk(ChunkEntry.newBuilder()
            .setUploadId(uploadId).setName(name).setIndex(index++)
            .setData(ByteString.copyFrom(chunk)).setCrc32C(Crc32c.of(chunk))).build();
        CompletableFuture<WriteReply> f = transport.write(lane, e).whenComplete((r, t) -> {
          inFlight.release(len);
          if (t != null) {
            failure.compareAndSet(null, t);
          } else if (r.getStatus() != Status.OK) {
            failure.compareAndSet(null, Replies.toException(r.getStatus(), r.getMessage(), -1, -1));
          } else {
            progress.onProgress(acked.addAndGet(len), totalHint);
          }
        });
        pending.add(f);
        if (index == 1) {
          // The first chunk alone, then the rest pipelined: until the leader has answered one
          // request of this lane, Ratis may resend a later chunk ahead of the first one after a
          // NotLeader reply (its ordered stream restarts at whichever request it retries first),
          // and the store refuses chunks of an upload it has not seen begin.
          transport.await(f.exceptionally(t -> null), deadline, "put " + name);
        }
        pending.removeIf(CompletableFuture::isDone);
        sent += len;
        chunk = lookahead;
        lookahead = chunk.length == 0 ? chunk : readChunk(in);
      }
      for (CompletableFuture<WriteReply> f : pending) {
        transport.await(f.exceptionally(t -> null), deadline, "put " + name);
      }
      if (failure.get() != null) {
        throw Replies.toException(failure.get(), "put " + name);
      }
      LogEntry commit = LogEntry.newBuilder().setCommit(CommitEntry.newBuilder()
          .setUploadId(uploadId).setName(name).setChunkCount(index).setSize(sent)
          .setCrc32C((int) whole.getValue()).setCondition(condition(options))).build();
      WriteResult r = Replies.toResult(transport.await(transport.write(lane, commit), deadline, "put " + name),
          expected(options));
      ok = true;
      return r;
    } finally {
      if (!ok) {
        abortQuietly(lane, uploadId);
      }
    }
  }

  /** Fails the small puts still waiting to be sent. */
  public void close() {
    groupCommit.close();
  }

  private void abortQuietly(RaftTransport.Lane lane, String uploadId) {
    LogEntry abort = LogEntry.newBuilder().setAbort(AbortEntry.newBuilder().setUploadId(uploadId)).build();
    transport.write(lane, abort).exceptionally(t -> null);
  }

  /** Takes {@code bytes} (at most one chunk, so never more than the semaphore holds) of the in-flight bound. */
  private void acquire(int bytes, Deadline deadline, String name) {
    try {
      if (!inFlight.tryAcquire(bytes, deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
        throw new UnavailableException("put " + name + ": no progress within the timeout (cluster slow or unreachable)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("put " + name + ": interrupted", e);
    }
  }

  private byte[] readChunk(InputStream in) {
    try {
      return in.readNBytes(chunkSize);
    } catch (IOException e) {
      throw new CheckpointException("reading the bytes to write failed: " + e.getMessage(), new UncheckedIOException(e));
    }
  }
}
