package io.ckpt.client.local;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.StoredVersion;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * A client-side store of loaded segments: one version per name, kept in Chronicle Map files
 * under a directory the application chooses. A load becomes visible only when it commits;
 * chunks of an interrupted load are reclaimed the next time the store opens.
 *
 * <p>Opening a store costs about two seconds (Chronicle generates code): open it once.
 */
public final class LocalStore implements Closeable {
  private static final String CATALOG_FILE = "catalog.cmap";
  private final Path dir;
  private final ChronicleMap<String, byte[]> catalog;
  private final ChunkVolumes volumes;
  private long nextChunkId;

  private LocalStore(Path dir, ChronicleMap<String, byte[]> catalog, ChunkVolumes volumes) {
    this.dir = dir;
    this.catalog = catalog;
    this.volumes = volumes;
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
      ChronicleMap<String, byte[]> catalog = ChronicleMapBuilder.of(String.class, byte[].class)
          .name("ckpt-local-catalog").entries(maxNames).averageKeySize(48).averageValueSize(512)
          .skipCloseOnExitHook(true)
          .createPersistedTo(dir.resolve(CATALOG_FILE).toFile());
      LocalStore store = new LocalStore(dir, catalog, ChunkVolumes.open(dir, "chunks", spec));
      store.reclaimOrphans();
      return store;
    } catch (IOException e) {
      throw new CheckpointException("cannot open local store in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** Names held, in order. */
  public synchronized Set<String> names() {
    return new TreeSet<>(catalog.keySet());
  }

  public Optional<SegmentInfo> info(String name) {
    return record(name).map(v -> toInfo(name, v));
  }

  /** The loaded bytes of {@code name}. */
  public byte[] read(String name) {
    StoredVersion v = record(name).orElseThrow(() -> notLoaded(name));
    if (v.getSize() > Integer.MAX_VALUE - 64) {
      throw new InvalidRequestException(name + " is too large for one array: use readTo");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) v.getSize());
    readTo(name, out);
    return out.toByteArray();
  }

  /** Copies the loaded bytes of {@code name} to {@code out}, verifying chunk checksums. */
  public SegmentInfo readTo(String name, OutputStream out) {
    StoredVersion v = record(name).orElseThrow(() -> notLoaded(name));
    for (ChunkRef ref : v.getChunksList()) {
      byte[] data = volumes.get(ref.getVolume(), ref.getId());
      if (data == null || Crc32c.of(data) != ref.getCrc32C()) {
        throw new CorruptDataException("local copy of " + name + " v" + v.getVersion() + " is damaged: load it again");
      }
      try {
        out.write(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return toInfo(name, v);
  }

  /** Removes the local copy of {@code name}; false if there was none. */
  public synchronized boolean remove(String name) {
    byte[] old = catalog.remove(name);
    if (old == null) {
      return false;
    }
    free(parse(old));
    return true;
  }

  /** Starts loading a version; nothing is visible until {@link Loader#commit()}. */
  public Loader beginLoad(SegmentInfo info) {
    try {
      SegmentNames.validate(info.name());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    return new Loader(info);
  }

  /** Receives the chunks of one version in order; {@link #close()} without commit drops them. */
  public final class Loader implements AutoCloseable {
    private final SegmentInfo info;
    private final StoredVersion.Builder version;
    private final CRC32C crc = new CRC32C();
    private long bytes;
    private boolean committed;

    private Loader(SegmentInfo info) {
      this.info = info;
      this.version = StoredVersion.newBuilder().setVersion(info.version()).setRevision(info.revision())
          .setSize(info.size()).setCrc32C(info.crc32c());
    }

    public void append(ByteBuffer data, int crc32c) {
      byte[] b = new byte[data.remaining()];
      data.duplicate().get(b);
      if (Crc32c.of(b) != crc32c) {
        throw new CorruptDataException("chunk " + version.getChunksCount() + " of " + info.name() + " failed its CRC32C check");
      }
      crc.update(b);
      bytes += b.length;
      version.addChunks(store(b, crc32c));
    }

    public void commit() {
      if (bytes != info.size() || (int) crc.getValue() != info.crc32c()) {
        throw new CorruptDataException("loaded bytes of " + info.name() + " do not match its size and CRC32C");
      }
      byte[] old;
      synchronized (LocalStore.this) {
        old = catalog.put(info.name(), version.build().toByteArray());
      }
      committed = true;
      if (old != null) {
        free(parse(old));
      }
    }

    @Override
    public void close() {
      if (!committed) {
        free(version.build());
      }
    }
  }

  private synchronized ChunkRef store(byte[] data, int crc32c) {
    try {
      int volume = volumes.place(data.length);
      long id = nextChunkId++;
      volumes.put(volume, id, data);
      return ChunkRef.newBuilder().setVolume(volume).setId(id).setSize(data.length).setCrc32C(crc32c).build();
    } catch (IOException e) {
      throw new CheckpointException("local store in " + dir + " is full or failing: " + e.getMessage(), e);
    }
  }

  private synchronized void free(StoredVersion v) {
    for (ChunkRef ref : v.getChunksList()) {
      volumes.remove(ref.getVolume(), ref.getId());
    }
  }

  /** Removes chunks no committed version refers to (left by a load that never committed). */
  private synchronized void reclaimOrphans() {
    Set<Long> live = new HashSet<>();
    long maxId = -1;
    for (byte[] value : catalog.values()) {
      for (ChunkRef ref : parse(value).getChunksList()) {
        live.add(ref.getId());
        maxId = Math.max(maxId, ref.getId());
      }
    }
    Set<long[]> orphans = new HashSet<>();
    long[] max = {maxId};
    volumes.forEach((volume, id, value) -> {
      max[0] = Math.max(max[0], id);
      if (!live.contains(id)) {
        orphans.add(new long[] {volume, id});
      }
    });
    for (long[] o : orphans) {
      volumes.remove((int) o[0], o[1]);
    }
    nextChunkId = max[0] + 1;
  }

  private Optional<StoredVersion> record(String name) {
    byte[] b = catalog.get(name);
    return b == null ? Optional.empty() : Optional.of(parse(b));
  }

  private static StoredVersion parse(byte[] b) {
    try {
      return StoredVersion.parseFrom(b);
    } catch (IOException e) {
      throw new CorruptDataException("local store catalog entry is unreadable: " + e.getMessage());
    }
  }

  private static SegmentInfo toInfo(String name, StoredVersion v) {
    return new SegmentInfo(name, v.getVersion(), v.getRevision(), v.getSize(), v.getCrc32C(), "local");
  }

  private static SegmentNotFoundException notLoaded(String name) {
    return new SegmentNotFoundException(name + " has not been loaded into this local store");
  }

  @Override
  public synchronized void close() {
    volumes.close();
    catalog.close();
  }
}
