package io.ckpt.client.local;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.client.store.EntryChecksums;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.StoredVersion;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client-side store of loaded segments: one version per name, kept in Chronicle Map files
 * under a directory the application chooses. A load becomes visible only when it commits;
 * chunks of an interrupted load are reclaimed the next time the store opens.
 *
 * <p>Opening a store costs about two seconds (Chronicle generates code): open it once.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread. Reads take no lock of the store: a read that runs
 * while the same name is loaded again or removed returns the version it started with, whole
 * (its chunks are freed only when the last such read ends). Loads and removes are serialized
 * where they touch the catalog. {@link #close()} waits for reads in progress; reads started after
 * it fail.
 */
public final class LocalStore implements Closeable {
  private static final String CATALOG_FILE = "catalog.cmap";
  private final Path dir;
  private final LocalCatalog catalog;
  private final ChunkVolumes volumes;
  private final ChunkReader reader;
  private final ReadGate gate;
  private final StagingBuffers staging = new StagingBuffers();
  private long nextChunkId;

  private LocalStore(Path dir, LocalCatalog catalog, ChunkVolumes volumes) {
    this.dir = dir;
    this.catalog = catalog;
    this.volumes = volumes;
    this.reader = new ChunkReader(volumes);
    this.gate = new ReadGate("the local store in " + dir);
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static LocalStore open(Path dir) {
    return open(dir, VolumeSpec.defaults(), 16_384);
  }

  /** Opens with an explicit volume layout and catalog capacity (names). */
  public static LocalStore open(Path dir, VolumeSpec spec, int maxNames) {
    try {
      Files.createDirectories(dir);
      if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new InvalidRequestException("local store directory " + dir + " is not a writable directory");
      }
      LocalCatalog catalog = LocalCatalog.open(dir.resolve(CATALOG_FILE).toFile(), maxNames);
      ChunkVolumes volumes;
      try {
        // every read checks each chunk's CRC32C: Chronicle's own entry checksums would only slow loads
        volumes = ChunkVolumes.open(dir, "chunks", spec, EntryChecksums.OFF);
      } catch (IOException | RuntimeException e) {
        catalog.close();
        throw e;
      }
      LocalStore store = new LocalStore(dir, catalog, volumes);
      try {
        store.nextChunkId = catalog.reclaimOrphans(volumes);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    } catch (IOException e) {
      throw new CheckpointException("cannot open local store in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** Names held, in order. */
  public Set<String> names() {
    return new TreeSet<>(catalog.names());
  }

  /** The info of the loaded version of {@code name}, if there is one. */
  public Optional<SegmentInfo> info(String name) {
    Objects.requireNonNull(name, "name");
    LoadedVersion v = catalog.get(name);
    return v == null ? Optional.empty() : Optional.of(v.info);
  }

  /**
   * The loaded bytes of {@code name}, in a new array.
   *
   * @throws SegmentNotFoundException if {@code name} is not loaded
   * @throws InvalidRequestException if the segment is too large for one array (use
   *         {@link #readTo} or {@link #readInto})
   * @throws CorruptDataException if a chunk fails its CRC32C check
   */
  public byte[] read(String name) {
    Objects.requireNonNull(name, "name");
    gate.enter();
    try {
      LoadedVersion v = pin(name);
      try {
        if (v.size() > Integer.MAX_VALUE - 64) {
          throw new InvalidRequestException(name + " is too large for one array: use readTo or readInto");
        }
        byte[] out = new byte[(int) v.size()];
        reader.copy(v, ByteBuffer.wrap(out));
        return out;
      } finally {
        unpin(v);
      }
    } finally {
      gate.exit();
    }
  }

  /**
   * Copies the loaded bytes of {@code name} into {@code dst} at its position, verifying chunk
   * checksums, and advances the position by the segment's size. The bytes go straight from the
   * memory-mapped store into {@code dst}, with no other copy and no allocation: reuse one buffer
   * for repeated reads (a direct buffer or a heap one). The bytes are those of one committed
   * version, whole, even if the name is loaded again or removed meanwhile.
   *
   * @return the info of the version read (its {@link SegmentInfo#size()} is the number of bytes)
   * @throws SegmentNotFoundException if {@code name} is not loaded
   * @throws InvalidRequestException if {@code dst} is read-only or has fewer bytes remaining
   *         than the segment's size ({@link #info} tells the size; {@code dst} is unchanged)
   * @throws CorruptDataException if a chunk fails its CRC32C check ({@code dst}'s position is
   *         unchanged, the bytes after it may have been overwritten)
   */
  public SegmentInfo readInto(String name, ByteBuffer dst) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dst, "dst");
    if (dst.isReadOnly()) {
      throw new InvalidRequestException("cannot read " + name + " into a read-only buffer");
    }
    gate.enter();
    try {
      LoadedVersion v = pin(name);
      try {
        if (v.size() > dst.remaining()) {
          throw new InvalidRequestException("buffer too small: " + name + " v" + v.info.version() + " has "
              + v.size() + " bytes, the buffer has " + dst.remaining() + " remaining");
        }
        reader.copy(v, dst);
        return v.info;
      } finally {
        unpin(v);
      }
    } finally {
      gate.exit();
    }
  }

  /**
   * Copies the loaded bytes of {@code name} to {@code out}, verifying chunk checksums. The version
   * being copied stays stored until the copy ends, however slow {@code out} is.
   */
  public SegmentInfo readTo(String name, OutputStream out) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(out, "out");
    gate.enter();
    try {
      LoadedVersion v = pin(name);
      try {
        byte[] chunk = new byte[v.largestChunk()];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        for (int i = 0; i < v.chunkCount(); i++) {
          buf.clear();
          reader.copyChunk(v, i, buf);
          out.write(chunk, 0, buf.position());
        }
        return v.info;
      } finally {
        unpin(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      gate.exit();
    }
  }

  /** Removes the local copy of {@code name}; false if there was none. */
  public boolean remove(String name) {
    Objects.requireNonNull(name, "name");
    LoadedVersion old;
    synchronized (this) {
      checkOpen();
      old = catalog.remove(name);
    }
    if (old == null) {
      return false;
    }
    unpin(old);
    return true;
  }

  /** Starts loading a version; nothing is visible until {@link Loader#commit()}. */
  public Loader beginLoad(SegmentInfo info) {
    Objects.requireNonNull(info, "info");
    try {
      SegmentNames.validate(info.name());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    checkOpen();
    return new Loader(info);
  }

  /**
   * Receives the chunks of one version in order, from one thread; {@link #close()} without
   * {@link #commit()} drops them.
   */
  public final class Loader implements AutoCloseable {
    private final SegmentInfo info;
    private final StoredVersion.Builder version;
    private ByteBuffer stagingBuffer;
    private int crc;
    private long bytes;
    private boolean committed;
    private boolean closed;

    private Loader(SegmentInfo info) {
      this.info = info;
      this.version = StoredVersion.newBuilder().setVersion(info.version()).setRevision(info.revision())
          .setSize(info.size()).setCrc32C(info.crc32c());
    }

    /**
     * Stores the remaining bytes of {@code data} (its position is not changed) as the next
     * chunk, after checking them against {@code crc32c}. A direct or array-backed buffer is
     * read in place; a read-only heap buffer (as the downloader passes) is copied once into a
     * reused direct buffer.
     *
     * @throws CorruptDataException if the bytes do not match {@code crc32c} (nothing is stored)
     * @throws IllegalStateException if the load was committed or closed
     */
    public void append(ByteBuffer data, int crc32c) {
      Objects.requireNonNull(data, "data");
      checkActive();
      ByteBuffer chunk = data.isDirect() || data.hasArray() ? data : staged(data);
      int size = chunk.remaining();
      int actual = Crc32c.of(chunk);
      if (actual != crc32c) {
        throw new CorruptDataException("chunk " + version.getChunksCount() + " of " + info.name() + " failed its CRC32C check");
      }
      crc = version.getChunksCount() == 0 ? actual : Crc32c.combine(crc, actual, size);
      version.addChunks(store(chunk, crc32c));
      bytes += size;
    }

    /**
     * Publishes the version: from now on reads return it, and the version it replaces is freed
     * once no read uses it.
     *
     * @throws CorruptDataException if the bytes appended do not match the size and CRC32C of
     *         the info given to {@link #beginLoad}
     * @throws IllegalStateException if the load was already committed or closed
     */
    public void commit() {
      checkActive();
      if (bytes != info.size() || crc != info.crc32c()) {
        throw new CorruptDataException("loaded bytes of " + info.name() + " do not match its size and CRC32C");
      }
      LoadedVersion next = new LoadedVersion(info.name(), version.build());
      LoadedVersion old;
      synchronized (LocalStore.this) {
        checkOpen();
        old = catalog.put(next);
      }
      committed = true;
      if (old != null) {
        unpin(old);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      staging.giveBack(stagingBuffer);
      stagingBuffer = null;
      if (!committed) {
        free(version.build());
      }
    }

    private void checkActive() {
      if (committed || closed) {
        throw new IllegalStateException("the load of " + info.name() + " v" + info.version()
            + " is already " + (committed ? "committed" : "closed"));
      }
    }

    /** Copies a buffer that can only be read through its own methods into direct memory. */
    private ByteBuffer staged(ByteBuffer data) {
      stagingBuffer = staging.atLeast(stagingBuffer, data.remaining());
      return stagingBuffer.put(data.duplicate()).flip();
    }
  }

  private synchronized ChunkRef store(ByteBuffer data, int crc32c) {
    checkOpen();
    try {
      int size = data.remaining();
      int volume = volumes.place(size);
      long id = nextChunkId++;
      volumes.put(volume, id, data);
      return ChunkRef.newBuilder().setVolume(volume).setId(id).setSize(size).setCrc32C(crc32c).build();
    } catch (IOException e) {
      throw new CheckpointException("local store in " + dir + " is full or failing: " + e.getMessage(), e);
    }
  }

  /** Takes a reference to the committed version of {@code name}. */
  private LoadedVersion pin(String name) {
    for (;;) {
      LoadedVersion v = catalog.get(name);
      if (v == null) {
        throw notLoaded(name);
      }
      if (v.pin()) {
        return v;
      }
      // replaced or removed between the lookup and the pin: the catalog already has what follows
    }
  }

  private void unpin(LoadedVersion v) {
    if (v.unpin()) {
      free(v.record);
    }
  }

  private synchronized void free(StoredVersion v) {
    if (gate.isClosed()) {
      return; // chunks no committed version refers to are reclaimed at the next open
    }
    for (ChunkRef ref : v.getChunksList()) {
      volumes.remove(ref.getVolume(), ref.getId());
    }
  }

  private void checkOpen() {
    gate.checkOpen();
  }

  private static SegmentNotFoundException notLoaded(String name) {
    return new SegmentNotFoundException(name + " has not been loaded into this local store");
  }

  /**
   * Closes the files. Reads in progress finish first; later calls fail with
   * {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (!gate.close()) {
      return;
    }
    synchronized (this) {
      volumes.close();
      catalog.close();
    }
  }
}
