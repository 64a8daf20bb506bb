package io.ckpt.harness.bench.ratis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AckStateMachine} whose writes arrive over Ratis DataStream: the bytes come as a
 * stream to every node, the log entry carries only the stream's small header.
 *
 * <ul>
 *   <li>{@link #stream}: each node (the primary the client streams to, and every node the
 *       primary forwards to) writes the stream into a new {@link StreamFile} in its
 *       {@code streams} directory, named after the request's client and call id, and forces it
 *       when the last packet asks ({@code SYNC}).</li>
 *   <li>{@link #link}: when the stream's log entry is written to a node's log, Ratis hands the
 *       node's stream over; the file's size and the bytes forced are counted, then the file is
 *       deleted (nothing is kept long-term, so runs of many 64 MiB writes do not fill the disk).
 *       Ratis links on the log path and does not wait for the returned future (3.3.0), so this
 *       stays cheap: no copy, one unlink.</li>
 *   <li>Applying the entry acknowledges it like {@link AckStateMachine}; the reply names the
 *       bytes this node linked for it (8 bytes, big-endian; -1 if it had no stream), so the
 *       client can check the leader got all of them.</li>
 *   <li>{@link #query}: the node's {@link Stats}, for tests of any layout.</li>
 * </ul>
 */
public final class StreamAckStateMachine extends AckStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StreamAckStateMachine.class);
  private final Path dir;
  /** Bytes linked per stream, from its link to its apply. */
  private final ConcurrentMap<ClientInvocationId, Long> linkedSizes = new ConcurrentHashMap<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong linked = new AtomicLong();
  private final AtomicLong linkedBytes = new AtomicLong();
  private final AtomicLong unforced = new AtomicLong();
  private final AtomicLong missing = new AtomicLong();
  private final AtomicLong cleanedUp = new AtomicLong();

  /**
   * @param snapshotTriggerBytes as {@link AckStateMachine}'s
   * @param dir where stream files are written: created, and emptied of a previous run's files
   */
  public StreamAckStateMachine(long snapshotTriggerBytes, Path dir) throws IOException {
    super(snapshotTriggerBytes);
    this.dir = Files.createDirectories(dir);
    try (Stream<Path> leftovers = Files.list(dir)) {
      for (Path p : leftovers.toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Where this node writes streams (empty between writes once they are linked). */
  public Path streamDir() {
    return dir;
  }

  @Override
  public CompletableFuture<DataStream> stream(RaftClientRequest request) {
    ClientInvocationId id = ClientInvocationId.valueOf(request);
    try {
      StreamFile f = StreamFile.create(dir.resolve(id.getClientId() + "-" + id.getLongId()));
      opened.incrementAndGet();
      return CompletableFuture.completedFuture(new Counted(f));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<?> link(DataStream stream, LogEntryProto entry) {
    ClientInvocationId id = ClientInvocationId.valueOf(entry.getStateMachineLogEntry());
    if (!(stream instanceof Counted c)) {
      // Ratis links null when this node never got the stream (or it failed): nothing to count.
      missing.incrementAndGet();
      LOG.warn("{}: log entry {} of stream {} has no stream data on this node", getId(), entry.getIndex(), id);
      return CompletableFuture.completedFuture(null);
    }
    try {
      StreamFile.Linked l = c.file.finish();
      linkedSizes.put(id, l.size());
      linked.incrementAndGet();
      linkedBytes.addAndGet(l.size());
      if (l.forced() != l.size()) {
        unforced.incrementAndGet();
      }
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      LOG.warn("{}: linking stream {} to log entry {}: {}", getId(), id, entry.getIndex(), e.toString());
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  protected Message reply(LogEntryProto entry) {
    Long size = linkedSizes.remove(ClientInvocationId.valueOf(entry.getStateMachineLogEntry()));
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(
        ByteBuffer.allocate(Long.BYTES).putLong(size == null ? -1 : size).flip()));
  }

  /** The bytes a node linked for a write, from its reply ({@code -1}: it had no stream). */
  static long linkedBytes(Message reply) {
    ByteString b = reply.getContent();
    if (b.size() != Long.BYTES) {
      throw new IllegalArgumentException("expected an 8-byte reply, got " + b.size() + " bytes");
    }
    return b.asReadOnlyByteBuffer().getLong();
  }

  /** Any query: this node's {@link Stats}. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(stats().toMessage());
  }

  public Stats stats() {
    return new Stats(opened.get(), linked.get(), linkedBytes.get(), unforced.get(), missing.get(), cleanedUp.get());
  }

  /**
   * What one node did with streams since it started.
   *
   * @param opened streams started on this node (one per write it was routed)
   * @param linked streams linked to their log entry (and deleted)
   * @param linkedBytes bytes on disk of the linked streams, each measured just before deletion
   * @param unforced linked streams with bytes written after their last force (0 when every
   *     write ended with {@code SYNC})
   * @param missing log entries linked without a stream on this node
   * @param cleanedUp streams Ratis abandoned after a failure (their files deleted)
   */
  public record Stats(long opened, long linked, long linkedBytes, long unforced, long missing, long cleanedUp) {
    Message toMessage() {
      ByteBuffer b = ByteBuffer.allocate(6 * Long.BYTES).putLong(opened).putLong(linked).putLong(linkedBytes)
          .putLong(unforced).putLong(missing).putLong(cleanedUp).flip();
      return Message.valueOf(UnsafeByteOperations.unsafeWrap(b));
    }

    static Stats of(Message m) {
      ByteBuffer b = m.getContent().asReadOnlyByteBuffer();
      if (b.remaining() != 6 * Long.BYTES) {
        throw new IllegalArgumentException("not a stream state machine's stats: " + b.remaining() + " bytes");
      }
      return new Stats(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }
  }

  /** A stream file whose clean-up is counted. */
  private final class Counted implements DataStream {
    private final StreamFile file;

    Counted(StreamFile file) {
      this.file = file;
    }

    @Override
    public DataChannel getDataChannel() {
      return file;
    }

    @Override
    public CompletableFuture<?> cleanUp() {
      cleanedUp.incrementAndGet();
      try {
        file.discard();
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public String toString() {
      return file.toString();
    }
  }
}
