package io.ckpt.statemachine.store;

import com.google.protobuf.ByteString;
import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.client.store.EntryChecksums;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.StoreFingerprint;
import io.ckpt.protocol.StoreState;
import io.ckpt.protocol.StoreStatus;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.stream.StreamFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node's committed segments: a {@link Catalog} of records plus {@link ChunkVolumes} of chunk
 * bytes, both Chronicle Map files under one directory; chunks that arrived as streams stay in
 * their stream files (in {@link StreamFiles#DIR_NAME} beside the directory) and are kept by
 * reference ({@link StreamRefs}). Writes come only through
 * {@link #apply}, one at a time and in revision order; reads ({@link #query}) may run
 * concurrently with it. It knows nothing of Raft.
 */
public final class SegmentStore implements Closeable {
  static final String CATALOG_FILE = "catalog.cmap";
  private final Path dir;
  private final StoreSettings settings;
  private final Catalog catalog;
  private final ChunkVolumes volumes;
  private final StreamRefs streamRefs;
  private final Applier applier;
  private final Queries queries;
  private volatile StoreState state;
  /**
   * The state as last written into the catalog. Apply keeps the state in memory only: the
   * catalog gets it when it is read whole (a snapshot's view, a fingerprint) and on close. A
   * store that was not closed is not reused (see {@code StoreSeal}), so nothing reads a stale one.
   */
  private StoreState storedState;
  /**
   * Odd while the store changes (apply, restore), incremented before and after: a query that
   * saw the same even value before and after it ran read one consistent state.
   */
  private volatile long changes;
  /** Lock-free attempts before a query takes the store's lock (an apply-heavy moment). */
  private static final int OPTIMISTIC_TRIES = 3;
  private final java.util.concurrent.atomic.LongAdder batchQueries = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder batchedGets = new java.util.concurrent.atomic.LongAdder();

  private SegmentStore(Path dir, StoreSettings settings, Catalog catalog, ChunkVolumes volumes) {
    this.dir = dir;
    this.settings = settings;
    this.catalog = catalog;
    this.volumes = volumes;
    this.streamRefs = new StreamRefs(dir.resolveSibling(StreamFiles.DIR_NAME));
    streamRefs.rebuild(catalog);
    this.state = catalog.state();
    this.storedState = state;
    this.applier = new Applier(this);
    this.queries = new Queries(this);
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static SegmentStore open(Path dir, StoreSettings settings) throws IOException {
    Files.createDirectories(dir);
    if (!Files.isWritable(dir)) {
      throw new IOException("store directory " + dir + " is not writable");
    }
    Catalog catalog = Catalog.open(dir.resolve(CATALOG_FILE), settings.catalogEntries());
    try {
      // No Chronicle entry checksums: a store not sealed on a clean close is rebuilt, never
      // recovered entry by entry, and every chunk read checks the chunk's own CRC32C.
      return new SegmentStore(dir, settings, catalog,
          ChunkVolumes.open(dir, "chunks", settings.volumes(), EntryChecksums.OFF));
    } catch (IOException | RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  public Path directory() {
    return dir;
  }

  public StoreSettings settings() {
    return settings;
  }

  /** The revision (log index) of the last entry applied, 0 for an empty store. */
  public long appliedRevision() {
    return state.getAppliedRevision();
  }

  public long appliedTerm() {
    return state.getAppliedTerm();
  }

  /**
   * Applies one committed log entry. Deterministic in (store content, revision, entry);
   * idempotent: an entry at or below {@link #appliedRevision()} changes nothing.
   */
  public synchronized WriteReply apply(long term, long revision, LogEntry entry) {
    if (revision <= state.getAppliedRevision()) {
      return WriteReply.newBuilder().setMessage("already applied at revision " + revision).build();
    }
    changes++;
    try {
      WriteReply reply = applier.apply(revision, entry);
      setApplied(term, revision);
      return reply;
    } finally {
      changes++;
    }
  }

  /** Records that a log entry with no store effect (e.g. a configuration entry) was applied. */
  public synchronized void markApplied(long term, long revision) {
    changes++;
    try {
      setApplied(term, revision);
    } finally {
      changes++;
    }
  }

  private void setApplied(long term, long revision) {
    if (revision > state.getAppliedRevision()) {
      state = state.toBuilder().setAppliedRevision(revision).setAppliedTerm(term).build();
    }
  }

  /** Writes the state into the catalog if it changed since it was last written (the caller holds the lock). */
  private void storeState() {
    StoreState current = state;
    if (current != storedState) {
      catalog.putState(current);
      storedState = current;
    }
  }

  /**
   * Answers a query from one consistent state: its {@code applied_revision} is exactly the state
   * the answer reflects (a stale reader relies on it). Runs beside apply and retries if an apply
   * overlapped it; after a few tries it waits for the store's lock instead.
   */
  public QueryReply query(Query query) {
    if (query.hasBatch()) {
      batchQueries.increment();
      batchedGets.add(query.getBatch().getGetsCount());
    }
    for (int i = 0; i < OPTIMISTIC_TRIES; i++) {
      long before = changes;
      if ((before & 1) == 0) {
        QueryReply reply = answerQuietly(query);
        if (reply != null && changes == before) {
          return reply;
        }
      }
      Thread.onSpinWait();
    }
    synchronized (this) {
      return queries.answer(query);
    }
  }

  /** Batch queries this store answered (read batching at work; for tests and metrics). */
  public long batchQueries() {
    return batchQueries.sum();
  }

  /** Gets this store answered as members of batch queries. */
  public long batchedGets() {
    return batchedGets.sum();
  }

  /** An answer, or null when a concurrent change made the read fail (it is retried). */
  private QueryReply answerQuietly(Query query) {
    try {
      return queries.answer(query);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Checks a write before it enters the log; {@code reservedBytes} are admitted but not yet applied. */
  public void admit(LogEntry entry, long reservedBytes) throws Rejected {
    Admission.check(this, entry, reservedBytes);
  }

  /** Payload bytes a write adds to the store (0 for metadata-only writes). */
  public static long payloadBytes(LogEntry entry) {
    return Admission.bytesOf(entry);
  }

  /**
   * Whether storing a chunk of {@code bytes} (with {@code inFlight} more bytes admitted before
   * it) could need a new volume file: no existing volume has room for them.
   */
  public boolean mayNeedNewVolume(int bytes, long inFlight) {
    if (bytes <= 0) {
      return false;
    }
    io.ckpt.client.store.VolumeSpec spec = settings.volumes();
    long charge = spec.chargeOf(bytes) + inFlight;
    for (int i = 0; i < volumes.volumeCount(); i++) {
      if (volumes.usedBytes(i) + charge <= spec.usableBytes() && volumes.entryCount(i) + 1 <= spec.entriesPerVolume()) {
        return false;
      }
    }
    return true;
  }

  /** Bytes of chunks stored: charged in the volumes, plus those kept in stream files (what the quota counts). */
  public long usedBytes() {
    return volumes.usedBytes() + streamRefs.bytes();
  }

  public StoreStatus status() {
    return StoreStatus.newBuilder().setAppliedRevision(appliedRevision()).setSegments(catalog.segmentCount())
        .setUsedBytes(usedBytes()).setQuotaBytes(settings.quotaBytes()).setVolumes(volumes.volumeCount())
        .setStagedUploads(catalog.uploadIds().size()).build();
  }

  /**
   * A digest of the store's log-determined content at its applied revision, to compare replicas;
   * with {@code verifyChunks} every chunk is read back and checked too (apply waits meanwhile).
   */
  public synchronized StoreFingerprint fingerprint(boolean verifyChunks) {
    storeState();
    return Fingerprints.of(this, verifyChunks);
  }

  /**
   * Writes a consistent, checksummed copy of the whole store (apply waits meanwhile), all but the
   * stream files its chunks name ({@code SnapshotFiles} links those beside the snapshot).
   */
  public synchronized void writeSnapshot(OutputStream out) throws IOException {
    try (StoreView view = freeze()) {
      view.write(out, () -> false);
    }
  }

  /**
   * The store as it is now, to be written as a snapshot while later entries apply: the catalog
   * is copied (records are small), chunks stay where they are, and chunks freed from now on keep
   * their bytes until the view is closed (the stream files it names are linked into the snapshot
   * before any is purged). One view at a time; close it when done.
   *
   * @throws IllegalStateException if a view is open already
   */
  public synchronized StoreView freeze() {
    storeState();
    List<Map.Entry<String, byte[]>> records = new ArrayList<>(catalog.entryCount());
    catalog.forEachRaw((key, value) -> records.add(Map.entry(key, value)));
    volumes.holdRemovals();
    return new StoreView(state, records, volumes, streamRefs.inUse().stream()
        .map(i -> StreamFiles.linkedFile(streamRefs.directory(), i)).toList());
  }

  /** Reads a snapshot through, checking every record's checksum and the trailer; stores nothing. */
  public static void verifySnapshot(InputStream in) throws IOException {
    SnapshotFormat.read(in, null, null);
  }

  /** Replaces the whole content of the store with a snapshot, verifying every checksum. */
  public synchronized void restoreSnapshot(InputStream in) throws IOException {
    changes++;
    try {
      clearAll();
      SnapshotFormat.read(in, catalog, volumes);
      state = catalog.state();
      storedState = state;
      streamRefs.rebuild(catalog);
    } finally {
      changes++;
    }
  }

  /** Removes everything: an empty store at revision 0. */
  public synchronized void clear() throws IOException {
    changes++;
    try {
      clearAll();
    } finally {
      changes++;
    }
  }

  private void clearAll() throws IOException {
    catalog.clear();
    volumes.clear();
    streamRefs.clear();
    state = StoreState.getDefaultInstance();
    storedState = null;
  }

  Catalog catalog() {
    return catalog;
  }

  ChunkVolumes volumes() {
    return volumes;
  }

  /** Stores one chunk; deterministic placement and id. */
  ChunkRef storeChunk(ByteString data, int crc32c) throws IOException {
    int volume;
    try {
      volume = volumes.place(data.size()); // may create a volume file: the only write here that needs new disk
    } catch (io.ckpt.client.store.VolumeFullException e) {
      throw e;
    } catch (IOException e) {
      throw new NoRoomForVolumeException(e);
    }
    long id = state.getNextChunkId();
    volumes.put(volume, id, data.asReadOnlyByteBuffer());
    state = state.toBuilder().setNextChunkId(id + 1).build();
    return ChunkRef.newBuilder().setVolume(volume).setId(id).setSize(data.size()).setCrc32C(crc32c).build();
  }

  /**
   * Keeps a streamed chunk where it is: bytes {@code [offset, offset + size)} of the stream file
   * of log entry {@code stream} (the node checked them against {@code crc32c} before apply).
   */
  ChunkRef referStreamedChunk(long stream, long offset, int size, int crc32c) {
    ChunkRef ref = ChunkRef.newBuilder().setStream(stream).setOffset(offset).setSize(size).setCrc32C(crc32c).build();
    streamRefs.add(ref);
    return ref;
  }

  void freeChunks(List<ChunkRef> refs) {
    for (ChunkRef ref : refs) {
      if (ref.getStream() > 0) {
        streamRefs.remove(ref);
      } else {
        volumes.remove(ref.getVolume(), ref.getId());
      }
    }
  }

  /** A chunk's bytes, or null if its volume no longer holds it (freed meanwhile). */
  byte[] readChunk(ChunkRef ref) {
    return ref.getStream() > 0 ? streamRefs.read(ref) : volumes.get(ref.getVolume(), ref.getId());
  }

  /** Whether a stored chunk is kept in the stream file of log entry {@code index} (it must stay). */
  public boolean streamInUse(long index) {
    return streamRefs.inUse(index);
  }

  /** The directory of the stream files this store keeps chunks in. */
  public Path streamsDirectory() {
    return streamRefs.directory();
  }

  /** The log indexes of stream files the store names but which are not in {@link #streamsDirectory()}. */
  public List<Long> missingStreams() {
    return streamRefs.missing();
  }

  @Override
  public synchronized void close() {
    try {
      storeState();
    } finally {
      try {
        volumes.close();
      } finally {
        catalog.close();
      }
    }
  }
}
