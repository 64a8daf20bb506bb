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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import io.ckpt.protocol.StreamedChunksEntry;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.client.DataStreamOutputRpc;
import org.apache.ratis.io.StandardWriteOption;
import org.apache.ratis.protocol.DataStreamReply;

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
  /**
   * Stream bytes one client may have sent and not yet seen acknowledged, all its streams together:
   * a stream is bound by round trips, so its window is wider than the log's in-flight bound
   * (which protects the leader's log appender; streams do not pass through it).
   */
  static final int STREAM_WINDOW_BYTES = 16 << 20;
  /**
   * Bytes of one stream packet (whole chunks, read straight from the caller's input into the
   * packet): every packet costs a round of thread hand-offs on each node, so fewer, larger ones
   * move a stream faster (benchmarks.md change 26).
   */
  static final int STREAM_PACKET_BYTES = 8 << 20;
  private final Semaphore streamWindow;
  private final int streamChunks;
  private final int packetChunks;
  /** After a stream could not be opened, chunked uploads go through the log for this long. */
  static final long STREAMS_RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
  private volatile long streamsFailedAt = System.nanoTime() - 2 * STREAMS_RETRY_AFTER_NANOS;
  /** Puts of at most this many bytes go through group commit (-1: none do). */
  private final int groupCommitPutBytes;

  public Uploader(RaftTransport transport) {
    this.transport = transport;
    ClientSettings.GroupCommitSettings g = transport.settings().groupCommit();
    this.groupCommit = new GroupCommit(transport, g.maxBytes(), g.inFlight());
    this.groupCommitPutBytes = g.enabled() ? g.maxPutBytes() : -1;
    this.chunkSize = transport.settings().chunkSize();
    this.streamChunks = Math.max(1, transport.settings().streamBytes() / chunkSize);
    this.packetChunks = Math.max(1, STREAM_PACKET_BYTES / chunkSize);
    this.streamWindow = new Semaphore(Math.max(packetChunks * chunkSize, STREAM_WINDOW_BYTES));
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

  /**
   * Streams {@code in} as a new version; never holds more than the in-flight bound of it. If a
   * DataStream stream breaks part-way (a node on its route unreachable: see
   * {@link #headerAccepted}) and {@code reopen} gives the bytes again from their start, the put
   * starts over through the log; without {@code reopen} (null) it fails unavailable. Either way
   * chunked writes go through the log for {@link #STREAMS_RETRY_AFTER_NANOS} after.
   */
  public WriteResult put(String name, InputStream in, Callable<InputStream> reopen, PutOptions options, long totalHint,
      ProgressListener progress) {
    return put(name, in, reopen, options, totalHint, progress, transport.deadline());
  }

  private WriteResult put(String name, InputStream in, Callable<InputStream> reopen, PutOptions options, long totalHint,
      ProgressListener progress, Deadline deadline) {
    byte[] first = readChunk(in);
    byte[] second = first.length < chunkSize ? new byte[0] : readChunk(in);
    if (second.length == 0) {
      WriteResult r = transport.await(putSmall(name, first, options), deadline, "put " + name);
      progress.onProgress(first.length, first.length);
      return r;
    }
    if (transport.streams() && System.nanoTime() - streamsFailedAt > STREAMS_RETRY_AFTER_NANOS) {
      try {
        Optional<WriteResult> streamed = putStreamed(name, first, second, in, options, totalHint, progress, deadline);
        if (streamed.isPresent()) {
          return streamed.get();
        }
      } catch (StreamBroken e) {
        streamsFailedAt = System.nanoTime();
        if (reopen == null || deadline.expired()) {
          throw e.failure();
        }
        InputStream again;
        try {
          again = reopen.call();
        } catch (Exception reopenFailed) {
          e.failure().addSuppressed(reopenFailed);
          throw e.failure();
        }
        try {
          return put(name, again, null, options, totalHint, progress, deadline);
        } finally {
          closeQuietly(again);
        }
      }
    }
    return putChunked(name, first, second, in, options, totalHint, progress, deadline);
  }

  /** A stream of an upload failed before its commit was sent: the put may start over through the log. */
  private static final class StreamBroken extends RuntimeException {
    StreamBroken(UnavailableException failure) {
      super(failure.getMessage(), failure, false, false);
    }

    UnavailableException failure() {
      return (UnavailableException) getCause();
    }
  }

  /**
   * Writes the chunks as streams of up to the settings' stream bytes each, one at a time
   * (each one's log entry stages its chunks in order), then commits through the log. Returns
   * empty, having sent nothing, if the first stream cannot be opened (a node is down or has no
   * stream server): the caller then writes through the log, and streams are not tried again for
   * {@link #STREAMS_RETRY_AFTER_NANOS}. Throws {@link StreamBroken} if a stream fails
   * unavailable later, before the commit is sent (the upload is aborted).
   */
  private Optional<WriteResult> putStreamed(String name, byte[] first, byte[] second, InputStream rest,
      PutOptions options, long totalHint, ProgressListener progress, Deadline deadline) {
    String uploadId = uploadPrefix + "-" + uploadSeq.incrementAndGet();
    RaftTransport.Lane lane = transport.lane();
    PushbackInputStream in = new PushbackInputStream(new SequenceInputStream(Collections.enumeration(List.of(
        new ByteArrayInputStream(first), new ByteArrayInputStream(second), rest))), 1);
    Staged staged = new Staged(new CRC32C());
    boolean ok = false;
    try {
      try {
        if (!stream(name, uploadId, lane, in, staged, totalHint, progress, deadline)) {
          ok = true; // nothing was sent
          return Optional.empty();
        }
      } catch (UnavailableException e) {
        throw new StreamBroken(e); // no commit sent: nothing of this upload can be published
      }
      WriteResult r = commit(lane, uploadId, name, staged.chunks, staged.bytes, staged.whole, options, deadline);
      ok = true;
      return Optional.of(r);
    } finally {
      if (!ok) {
        abortQuietly(lane, uploadId);
      }
    }
  }

  /** What the streams of one upload staged so far. */
  private static final class Staged {
    final CRC32C whole;
    int chunks;
    long bytes;

    Staged(CRC32C whole) {
      this.whole = whole;
    }
  }

  /**
   * Sends all of {@code in} as the upload's streams; each stream's packets are up to
   * {@link #STREAM_PACKET_BYTES} of whole chunks, never crossing a stream. Returns false, having
   * sent nothing, if the first stream cannot be opened.
   */
  private boolean stream(String name, String uploadId, RaftTransport.Lane lane, PushbackInputStream in, Staged staged,
      long totalHint, ProgressListener progress, Deadline deadline) {
    AtomicLong acked = new AtomicLong();
    boolean more = true;
    while (more) {
      LogEntry header = LogEntry.newBuilder().setStreamedChunks(StreamedChunksEntry.newBuilder()
          .setUploadId(uploadId).setName(name).setFirstIndex(staged.chunks).setChunkBytes(chunkSize)).build();
      DataStreamOutput out;
      try {
        out = transport.openStream(lane, header);
      } catch (RuntimeException e) {
        if (staged.chunks > 0) {
          throw new UnavailableException("put " + name + ": cannot open a stream: " + e.getMessage(), e);
        }
        streamsFailedAt = System.nanoTime();
        return false;
      }
      if (staged.chunks == 0 && !headerAccepted(out, deadline)) {
        streamsFailedAt = System.nanoTime();
        out.closeAsync();
        return false;
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<CompletableFuture<DataStreamReply>> packets = new ArrayList<>();
      int inStream = 0;
      boolean last;
      boolean closeSent = false;
      try {
        do {
          byte[] packet = new byte[Math.min(packetChunks, streamChunks - inStream) * chunkSize];
          final int len = read(in, packet);
          staged.whole.update(packet, 0, len);
          int chunks = (len + chunkSize - 1) / chunkSize;
          inStream += chunks;
          staged.chunks += chunks;
          more = len == packet.length && !atEnd(in);
          last = !more || inStream == streamChunks;
          acquire(streamWindow, len, deadline, name);
          ByteBuffer bytes = ByteBuffer.wrap(packet, 0, len);
          CompletableFuture<DataStreamReply> f = (last
              ? out.writeAsync(bytes, StandardWriteOption.SYNC, StandardWriteOption.CLOSE) : out.writeAsync(bytes))
              .whenComplete((r, t) -> {
                streamWindow.release(len);
                if (t != null || !r.isSuccess() || r.getBytesWritten() != len) {
                  failure.compareAndSet(null, t != null ? t : new UnavailableException("a node did not take "
                      + len + " streamed bytes of " + name));
                } else {
                  progress.onProgress(acked.addAndGet(len), totalHint);
                }
              });
          closeSent = last;
          packets.add(f);
          packets.removeIf(CompletableFuture::isDone);
          staged.bytes += len;
        } while (!last && failure.get() == null);
      } catch (RuntimeException e) {
        if (!closeSent) {
          out.closeAsync(); // the nodes drop the half-sent stream: its unforced bytes get no entry
        }
        throw e;
      }
      for (CompletableFuture<DataStreamReply> f : packets) {
        transport.await(f.exceptionally(t -> null), deadline, "put " + name);
      }
      if (failure.get() != null) {
        if (!closeSent) {
          out.closeAsync();
        }
        throw Replies.toException(failure.get(), "put " + name);
      }
      WriteReply r = transport.await(out.getRaftClientReplyFuture().thenApply(RaftTransport::parseWrite), deadline,
          "put " + name);
      if (r.getStatus() != Status.OK) {
        throw Replies.toException(r.getStatus(), r.getMessage(), -1, -1);
      }
    }
    return true;
  }

  /**
   * Waits for the primary to accept a stream's header. In Ratis 3.3 the primary answers a header
   * itself, before the other nodes of the route have it: a refusal means it could not set the
   * stream up (a node of the route down, no stream server); a node that is unreachable but still
   * accepts connections shows only later, as packets that time out.
   */
  private boolean headerAccepted(DataStreamOutput out, Deadline deadline) {
    if (!(out instanceof DataStreamOutputRpc rpc)) {
      return true;
    }
    try {
      DataStreamReply r = rpc.getHeaderFuture().get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
      return r.isSuccess();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("put: interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
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
      WriteResult r = commit(lane, uploadId, name, index, sent, whole, options, deadline);
      ok = true;
      return r;
    } finally {
      if (!ok) {
        abortQuietly(lane, uploadId);
      }
    }
  }

  /** Publishes a staged upload of {@code chunks} chunks, {@code size} bytes whose CRC32C is {@code whole}. */
  private WriteResult commit(RaftTransport.Lane lane, String uploadId, String name, int chunks, long size, CRC32C whole,
      PutOptions options, Deadline deadline) {
    LogEntry commit = LogEntry.newBuilder().setCommit(CommitEntry.newBuilder()
        .setUploadId(uploadId).setName(name).setChunkCount(chunks).setSize(size)
        .setCrc32C((int) whole.getValue()).setCondition(condition(options))).build();
    return Replies.toResult(transport.await(transport.write(lane, commit), deadline, "put " + name), expected(options));
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
    acquire(inFlight, bytes, deadline, name);
  }

  private static void acquire(Semaphore bound, int bytes, Deadline deadline, String name) {
    try {
      if (!bound.tryAcquire(bytes, deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
        throw new UnavailableException("put " + name + ": no progress within the timeout (cluster slow or unreachable)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("put " + name + ": interrupted", e);
    }
  }

  /** Reads into {@code dst} until it is full or the input ends; returns the bytes read. */
  private static int read(InputStream in, byte[] dst) {
    try {
      return in.readNBytes(dst, 0, dst.length);
    } catch (IOException e) {
      throw readFailed(e);
    }
  }

  /** Whether {@code in} has no more bytes (it peeks at one and puts it back). */
  private static boolean atEnd(PushbackInputStream in) {
    try {
      int b = in.read();
      if (b < 0) {
        return true;
      }
      in.unread(b);
      return false;
    } catch (IOException e) {
      throw readFailed(e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // only read from: the write's outcome stands
    }
  }

  private static CheckpointException readFailed(IOException e) {
    return new CheckpointException("reading the bytes to write failed: " + e.getMessage(), new UncheckedIOException(e));
  }

  private byte[] readChunk(InputStream in) {
    try {
      return in.readNBytes(chunkSize);
    } catch (IOException e) {
      throw readFailed(e);
    }
  }
}
