package io.ckpt.client.local;

import io.ckpt.client.CorruptDataException;
import io.ckpt.protocol.StoredVersion;
import java.io.File;
import java.io.IOException;
import io.ckpt.client.store.ChunkVolumes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * The names a {@link LocalStore} holds and their committed versions: persisted in a Chronicle Map
 * file, mirrored in memory so that readers find a version without a map lookup, a string
 * encoding or a protobuf parse. Lookups may run on any thread; {@link #put} and {@link #remove}
 * must be serialized by the caller (the file is only written through this class, and the store
 * directory is locked to one process).
 */
final class LocalCatalog implements AutoCloseable {
  private final ChronicleMap<String, byte[]> file;
  private final Map<String, LoadedVersion> live = new ConcurrentHashMap<>();

  private LocalCatalog(ChronicleMap<String, byte[]> file) {
    this.file = file;
    file.forEach((name, bytes) -> live.put(name, new LoadedVersion(name, parse(bytes))));
  }

  static LocalCatalog open(File path, int maxNames) throws IOException {
    ChronicleMap<String, byte[]> map = ChronicleMapBuilder.of(String.class, byte[].class)
        .name("ckpt-local-catalog").entries(maxNames).averageKeySize(48).averageValueSize(512)
        .putReturnsNull(true).removeReturnsNull(true)
        .skipCloseOnExitHook(true)
        .createPersistedTo(path);
    try {
      return new LocalCatalog(map);
    } catch (RuntimeException e) {
      map.close();
      throw e;
    }
  }

  /** The committed version of {@code name}, or null. */
  LoadedVersion get(String name) {
    return live.get(name);
  }

  /** The names held (a live view; copy it to keep it). */
  Collection<String> names() {
    return live.keySet();
  }

  /** Records {@code v} as the committed version of its name; returns the one it replaces, or null. */
  LoadedVersion put(LoadedVersion v) {
    file.put(v.name(), v.record.toByteArray());
    return live.put(v.name(), v);
  }

  /** Forgets {@code name}; returns the version it had, or null. */
  LoadedVersion remove(String name) {
    file.remove(name);
    return live.remove(name);
  }

  /**
   * Removes the chunks in {@code volumes} that no version here refers to (left by a load that
   * never committed, or a version replaced while a read still used it when the store closed).
   *
   * @return the next unused chunk id
   */
  long reclaimOrphans(ChunkVolumes volumes) {
    Set<Long> referenced = new HashSet<>();
    long maxId = -1;
    for (LoadedVersion v : live.values()) {
      for (int i = 0; i < v.chunkCount(); i++) {
        referenced.add(v.id(i));
        maxId = Math.max(maxId, v.id(i));
      }
    }
    List<long[]> orphans = new ArrayList<>();
    long[] max = {maxId};
    volumes.forEach((volume, id, value) -> {
      max[0] = Math.max(max[0], id);
      if (!referenced.contains(id)) {
        orphans.add(new long[] {volume, id});
      }
    });
    for (long[] o : orphans) {
      volumes.remove((int) o[0], o[1]);
    }
    return max[0] + 1;
  }

  @Override
  public void close() {
    file.close();
  }

  private static StoredVersion parse(byte[] b) {
    try {
      return StoredVersion.parseFrom(b);
    } catch (IOException e) {
      throw new CorruptDataException("local store catalog entry is unreadable: " + e.getMessage(), e);
    }
  }
}
