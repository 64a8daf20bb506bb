package io.ckpt.statemachine.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.StreamedChunksEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.statemachine.StateMachine.DataChannel;
import org.apache.ratis.statemachine.StateMachine.DataStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's streamed chunks (Ratis DataStream): one file per stream in one directory.
 *
 * <ul>
 *   <li>While a stream arrives its file is {@code <client>-<call>.part}, after the request that
 *       opened it; {@link #stream} checks its header first.</li>
 *   <li>When the stream's log entry is written to this node's log, {@link #link} renames the file
 *       {@code <index>.stream} (Ratis links before it writes the entry). Apply finds it by that
 *       name, or by the request's name if the rename did not survive a crash.</li>
 *   <li>Apply checks the file ({@link #verify}) and the store keeps the chunks by reference in
 *       it: no second copy. A node without the file, or with a damaged one, fetches it from its
 *       peers first ({@link StreamRepair}, {@link #installFetched}); peers read theirs with
 *       {@link #readChunk}. A file stays while the store names it and until every kept snapshot
 *       covers its entry (a node rebuilt from a snapshot replays the log after it, and replaying
 *       an entry needs its bytes); see {@link #purge}. Files of streams that never got an entry
 *       go with Ratis's clean-up, or after {@link #ORPHAN_AGE}.</li>
 * </ul>
 */
public final class StreamFiles {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFiles.class);
  /** A stream file that no log entry named for this long is an orphan. */
  static final Duration ORPHAN_AGE = Duration.ofHours(1);
  /** The directory of a node's stream files, beside its store's. */
  public static final String DIR_NAME = "streams";
  private static final String PART = ".part";
  private static final String LINKED = ".stream";
  /** Bytes a stream file takes between background forces (see {@link StreamFile}). */
  static final long WRITE_BEHIND_BYTES = 8L << 20;
  private final Path dir;
  private final int maxChunkBytes;
  private final long maxStreamBytes;
  private final Space space;
  private final long writeBehindBytes;
  /** The node's write-behind thread (started by the first stream). */
  private final ExecutorService writeBehind = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ckpt-stream-write-behind");
    t.setDaemon(true);
    return t;
  });
  private final Map<ClientInvocationId, StreamFile> open = new ConcurrentHashMap<>();
  /**
   * What this node received of each stream it linked since it started, by log index, until
   * {@link #verify} checks the entry: the CRCs computed as the bytes arrived.
   */
  private final ConcurrentNavigableMap<Long, ReceivedBytes> linked = new ConcurrentSkipListMap<>();
  /** {@link #verify}'s buffer (apply runs on one thread at a time). */
  private ByteBuffer verifyBuffer;

  /**
   * @param dir where the files go (created when the first stream arrives)
   * @param maxChunkBytes the largest chunk a stream's header may ask for
   * @param maxStreamBytes the most bytes one stream may carry
   * @param space asked before each packet is written
   */
  public StreamFiles(Path dir, int maxChunkBytes, long maxStreamBytes, Space space) {
    this(dir, maxChunkBytes, maxStreamBytes, space, WRITE_BEHIND_BYTES);
  }

  /** As the public constructor, forcing stream files in the background every {@code writeBehindBytes} (0: never). */
  StreamFiles(Path dir, int maxChunkBytes, long maxStreamBytes, Space space, long writeBehindBytes) {
    this.dir = dir;
    this.maxChunkBytes = maxChunkBytes;
    this.maxStreamBytes = maxStreamBytes;
    this.space = space;
    this.writeBehindBytes = writeBehindBytes;
  }

  /**
   * Whether the disk can take more stream bytes: a stream arrives before its log entry exists,
   * so it is checked packet by packet instead of at admission, and refused (the stream fails,
   * the client's put with it) before it eats the space the node keeps for its log.
   */
  @FunctionalInterface
  public interface Space {
    /** No check: the disk is assumed to have room. */
    Space UNCHECKED = bytes -> { };

    /** Throws if {@code bytes} more would leave the disk too full. */
    void claim(long bytes) throws IOException;
  }

  /**
   * Stops the write-behind thread once its queued forces are done (not interrupted: an
   * interrupt in a force would close the file's channel); streams still open are no longer
   * forced in the background.
   */
  public void close() {
    writeBehind.shutdown();
  }

  /** Starts receiving the stream {@code request} opens; fails for a header that is not a streamed run. */
  public CompletableFuture<DataStream> stream(RaftClientRequest request) {
    try {
      StreamedChunksEntry header = header(request.getMessage().getContent().asReadOnlyByteBuffer());
      ClientInvocationId id = ClientInvocationId.valueOf(request);
      Files.createDirectories(dir);
      StreamFile file = StreamFile.create(dir.resolve(partName(id)), header.getChunkBytes(), maxStreamBytes, space,
          writeBehind, writeBehindBytes);
      open.put(id, file);
      return CompletableFuture.completedFuture(new Incoming(id, file));
    } catch (IOException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private StreamedChunksEntry header(ByteBuffer content) {
    LogEntry e;
    try {
      e = LogEntry.parseFrom(content);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalArgumentException("unreadable stream header: " + ex.getMessage());
    }
    if (!e.hasStreamedChunks()) {
      throw new IllegalArgumentException("a stream's header must be a streamed-chunks entry, got " + e.getOpCase());
    }
    int chunk = e.getStreamedChunks().getChunkBytes();
    if (chunk <= 0 || chunk > maxChunkBytes) {
      throw new IllegalArgumentException("streamed chunks must be 1.." + maxChunkBytes + " bytes, got " + chunk);
    }
    return e.getStreamedChunks();
  }

  /**
   * What this node has received of the stream of {@code id} so far (the leader completes the
   * stream's log entry from it), or empty if no such stream is open here.
   */
  public Optional<ReceivedBytes> received(ClientInvocationId id) {
    StreamFile f = open.get(id);
    return f == null ? Optional.empty() : Optional.of(f.received());
  }

  /** Ties a stream to its log entry: closes its file and names it after the entry's index. */
  public CompletableFuture<?> link(DataStream stream, LogEntryProto entry) {
    if (!(stream instanceof Incoming r)) {
      // Ratis links null when this node never got the stream: apply will look for it by name.
      LOG.warn("log entry {} names a stream this node did not receive", entry.getIndex());
      return CompletableFuture.completedFuture(null);
    }
    open.remove(r.id, r.file);
    try {
      r.file.close();
      Files.move(r.file.path(), linkedFile(dir, entry.getIndex()), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      linked.put(entry.getIndex(), r.file.received());
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      LOG.warn("linking {} to log entry {}: {}", r.file, entry.getIndex(), e.toString());
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Checks this node's file of the streamed run {@code run} of log entry {@code index} against
   * the entry's size and chunk CRCs, and makes sure it is named {@code <index>.stream} (the store
   * keeps its chunks by reference under that name from now on).
   *
   * <p>A stream this node linked since it started, with every byte forced, is checked against the
   * CRCs it computed as the bytes arrived, without reading the file back (64 MiB read and
   * checksummed again on every node, on the write's critical path). Bytes that rot on disk
   * later are caught where every read is: each chunk's CRC is checked by the client that reads
   * it. After a restart (no such record) the file is read and checked.
   *
   * @throws MissingStreamException if the file is missing or does not match (this node's copy is
   *     lost or damaged: it must not apply anything else in its place)
   */
  public synchronized void verify(long index, ClientInvocationId id, StreamedChunksEntry run) {
    Path file = linkedFile(dir, index);
    ReceivedBytes got = linked.remove(index);
    linked.headMap(index).clear(); // records of entries that were truncated away
    if (got != null && got.forced() && Files.exists(file)) {
      if (got.size() != run.getSize() || !got.chunkCrcs().equals(run.getChunkCrc32CList())) {
        throw new MissingStreamException("this node received " + got.size() + " bytes for the stream of log entry "
            + index + " that do not match the entry's size (" + run.getSize() + ") and chunk CRC32Cs");
      }
      return;
    }
    try {
      if (!Files.exists(file)) {
        // The rename at link did not survive a crash: the file still has the request's name.
        Files.move(dir.resolve(partName(id)), file, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (NoSuchFileException e) {
      throw new MissingStreamException("log entry " + index + " names streamed chunks that this node does not have (no "
          + file + " or " + dir.resolve(partName(id)) + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("naming the stream file of log entry " + index + ": " + e.getMessage(), e);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != run.getSize()) {
        throw new MissingStreamException("the stream file " + file + " of log entry " + index + " holds " + ch.size()
            + " bytes, the entry says " + run.getSize());
      }
      // Read chunk by chunk into one reused buffer: no mapping left behind for the GC to unmap.
      ByteBuffer chunk = verifyBuffer(run.getChunkBytes());
      for (int k = 0; k < run.getChunkCrc32CCount(); k++) {
        long from = (long) k * run.getChunkBytes();
        chunk.clear().limit((int) Math.min(run.getChunkBytes(), run.getSize() - from));
        boolean whole = readFully(ch, chunk, from);
        chunk.flip();
        if (!whole || Crc32c.of(chunk) != run.getChunkCrc32C(k)) {
          throw new MissingStreamException("chunk " + k + " of the stream file " + file + " of log entry " + index
              + " does not match its CRC32C: this node's copy is damaged");
        }
      }
    } catch (NoSuchFileException e) {
      throw new MissingStreamException("log entry " + index + " names streamed chunks that this node does not have (no "
          + file + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("reading the stream file of log entry " + index + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of chunk {@code chunk} (of {@code chunkBytes} each) of this node's copy of the
   * stream of log entry {@code index}, for a peer that lacks them: from its {@code <index>.stream}
   * file, or the file still named after the stream's request {@code id} if that one is complete.
   * Empty if this node has no such file or the file ends before the chunk. Unchecked: the asker
   * checks them against the entry's CRC32Cs.
   */
  public Optional<byte[]> readChunk(long index, ClientInvocationId id, int chunk, int chunkBytes) throws IOException {
    if (index <= 0 || chunk < 0 || chunkBytes <= 0 || chunkBytes > maxChunkBytes) {
      throw new IllegalArgumentException("no chunk " + chunk + " of " + chunkBytes + " bytes in the stream of log entry "
          + index + " (chunks are 1.." + maxChunkBytes + " bytes)");
    }
    Path file = linkedFile(dir, index);
    if (!Files.exists(file) && id != null && open.get(id) == null) {
      file = dir.resolve(partName(id));
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long from = (long) chunk * chunkBytes;
      if (from >= ch.size()) {
        return Optional.empty();
      }
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(chunkBytes, ch.size() - from));
      return readFully(ch, b, from) ? Optional.of(b.array()) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Where bytes of the stream of log entry {@code index} fetched from peers are written before
   * {@link #installFetched} names them (a leftover is an orphan to {@link #purge}).
   */
  public Path fetchFile(long index) throws IOException {
    Files.createDirectories(dir);
    return dir.resolve("fetched-" + index + PART);
  }

  /**
   * Makes {@code fetched}, a complete, forced copy of the stream of log entry {@code index} that
   * matches {@code run} chunk by chunk, this node's stream file of that entry (replacing a damaged
   * one), so that {@link #verify} takes it without reading it back.
   */
  public synchronized void installFetched(long index, StreamedChunksEntry run, Path fetched) throws IOException {
    Files.move(fetched, linkedFile(dir, index), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    linked.put(index, new ReceivedBytes(run.getSize(), run.getChunkCrc32CList(), true));
  }

  /**
   * Reads a stream file's bytes from {@code position} on until {@code dst} has no room left;
   * false if the file ends first.
   */
  public static boolean readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    return true;
  }

  /** A direct buffer of at least {@code bytes}, reused by the apply thread's checks. */
  private ByteBuffer verifyBuffer(int bytes) {
    ByteBuffer b = verifyBuffer;
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(bytes);
      verifyBuffer = b;
    }
    return b;
  }

  /**
   * Deletes the files of entries at or below {@code coveredThrough} (every snapshot this node
   * keeps covers them, so no replay needs them) that the store no longer names ({@code inUse}
   * says which it does), and orphans older than {@link #ORPHAN_AGE}. A snapshot that names a
   * file holds a link of its own to it.
   */
  public void purge(long coveredThrough, LongPredicate inUse) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Instant orphanBefore = Instant.now().minus(ORPHAN_AGE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        long index = linkedIndex(name);
        try {
          if (index > 0 ? index <= coveredThrough && !inUse.test(index)
              : name.endsWith(PART) && !isOpen(f) && Files.getLastModifiedTime(f).toInstant().isBefore(orphanBefore)) {
            Files.deleteIfExists(f);
          }
        } catch (NoSuchFileException gone) {
          // linked (renamed) or deleted since the listing: nothing of it to purge
        }
      }
    } catch (IOException e) {
      LOG.warn("purging stream files in {}: {}", dir, e.toString());
    }
  }

  private boolean isOpen(Path f) {
    return open.values().stream().anyMatch(s -> s.path().equals(f));
  }

  /**
   * The log index a stream file is named after ({@code <index>.stream}), or -1 for any other
   * name.
   */
  public static long linkedIndex(String name) {
    if (!name.endsWith(LINKED)) {
      return -1;
    }
    try {
      long index = Long.parseLong(name.substring(0, name.length() - LINKED.length()));
      return index > 0 ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The file in {@code dir} holding the streamed bytes of log entry {@code index}. */
  public static Path linkedFile(Path dir, long index) {
    return dir.resolve(index + LINKED);
  }

  /** The files in the directory now (for tests and status). */
  public List<Path> files() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private static String partName(ClientInvocationId id) {
    return id.getClientId() + "-" + id.getLongId() + PART;
  }

  /** One stream being received; Ratis hands it back to {@link #link} or cleans it up. */
  private final class Incoming implements DataStream {
    private final ClientInvocationId id;
    private final StreamFile file;

    Incoming(ClientInvocationId id, StreamFile file) {
      this.id = id;
      this.file = file;
    }

    @Override
    public DataChannel getDataChannel() {
      return file;
    }

    @Override
    public CompletableFuture<?> cleanUp() {
      open.remove(id, file);
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
