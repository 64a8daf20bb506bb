package io.ckpt.client.store;

import java.io.File;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * One volume: a Chronicle Map file plus its accounting (charged bytes and entry count). Not
 * thread-safe for writers: {@link ChunkVolumes} serializes put, remove and close.
 */
final class Volume {
  /** At most this many extra segment tiers (each the size of the first) absorb fragmentation. */
  static final double MAX_BLOAT_FACTOR = 2.0;

  final int index;
  final File file;
  private final ChronicleMap<Long, byte[]> map;
  private final VolumeSpec spec;
  private long chargedBytes;
  private long entries;
  /** Ids removed while removals were held: no longer accounted for, still readable (see {@link ChunkVolumes#holdRemovals}). */
  private final java.util.Set<Long> retired = new java.util.HashSet<>();

  private Volume(int index, File file, ChronicleMap<Long, byte[]> map, VolumeSpec spec) {
    this.index = index;
    this.file = file;
    this.map = map;
    this.spec = spec;
  }

  /**
   * Opens (or creates) a volume file and recomputes its accounting by iterating its entries.
   *
   * @param checksums whether a new file keeps Chronicle entry checksums (an existing file keeps its own)
   * @param recover whether to open with {@code recoverPersistedTo} (after a crash)
   */
  static Volume open(int index, File file, VolumeSpec spec, EntryChecksums checksums, String name, boolean recover)
      throws IOException {
    ChronicleMapBuilder<Long, byte[]> builder = ChronicleMap.of(Long.class, byte[].class)
        .name(name)
        .entries(spec.entriesPerVolume())
        .averageValueSize(spec.minChargeBytes())
        .actualSegments(1)
        .maxBloatFactor(MAX_BLOAT_FACTOR)
        .checksumEntries(checksums == EntryChecksums.ON)
        .putReturnsNull(true)
        .removeReturnsNull(true)
        // Owners close their maps; Chronicle's exit hook would close them under a node still stopping.
        .skipCloseOnExitHook(true);
    ChronicleMap<Long, byte[]> map;
    try {
      map = recover ? builder.recoverPersistedTo(file, true) : builder.createPersistedTo(file);
    } catch (IOException e) {
      throw new IOException("cannot open volume file " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot open volume file " + file + " (damaged? reopen with recovery): " + e, e);
    }
    Volume v = new Volume(index, file, map, spec);
    try {
      map.forEachEntry(e -> {
        v.chargedBytes += spec.chargeOf(valueSize(e));
        v.entries++;
      });
    } catch (RuntimeException e) {
      map.close();
      throw new IOException("cannot read volume file " + file + ": " + e, e);
    }
    return v;
  }

  private static int valueSize(MapEntry<Long, byte[]> e) {
    return Math.toIntExact(e.value().size());
  }

  long chargedBytes() {
    return chargedBytes;
  }

  long entries() {
    return entries;
  }

  /** Whether a value of {@code valueSize} bytes fits, after freeing {@code freedCharge} bytes and {@code freedEntries} entries. */
  boolean hasRoom(int valueSize, long freedCharge, int freedEntries) {
    return chargedBytes - freedCharge + spec.chargeOf(valueSize) <= spec.usableBytes()
        && entries - freedEntries + 1 <= spec.entriesPerVolume();
  }

  /**
   * Stores {@code size} bytes of native memory at {@code value} (see {@link ValueSource}) under
   * {@code id}, replacing any value stored under it.
   */
  void put(long id, BytesStore<?, ?> value, int size) {
    try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(id)) {
      c.updateLock().lock();
      MapEntry<Long, byte[]> old = c.entry();
      long freed = old == null ? 0 : spec.chargeOf(valueSize(old));
      int freedEntries = old == null ? 0 : 1;
      if (!hasRoom(size, freed, freedEntries)) {
        throw new IllegalStateException("volume " + index + " has no room for a value of " + size
            + " bytes (" + chargedBytes + " of " + spec.usableBytes() + " bytes and " + entries + " of "
            + spec.entriesPerVolume() + " entries used): choose the volume with place()");
      }
      Data<byte[]> data = c.wrapValueBytesAsData(value, 0, size);
      try {
        if (old != null) {
          c.replaceValue(old, data);
        } else {
          c.insert(c.absentEntry(), data);
        }
      } catch (IllegalStateException e) {
        throw new TiersExhaustedException("volume " + index + " cannot take a value of " + size + " bytes: " + e.getMessage(), e);
      }
      chargedBytes += spec.chargeOf(size) - freed;
      entries += 1 - freedEntries;
    }
  }

  byte[] get(long id) {
    return map.get(id);
  }

  /**
   * Copies the value under {@code id} into {@code dst} at its position, advancing it; returns
   * the value's size, or -1 (and leaves {@code dst} unchanged) if there is none. Holds the
   * entry's read lock while it copies, so a concurrent put or remove of the same id is seen
   * whole or not at all.
   *
   * @throws BufferOverflowException if the value does not fit in {@code dst} (left unchanged)
   * @throws ReadOnlyBufferException if {@code dst} is read-only
   */
  int read(long id, ByteBuffer dst) {
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(id)) {
      MapEntry<Long, byte[]> e = c.entry();
      if (e == null) {
        return -1;
      }
      Data<byte[]> value = e.value();
      int size = Math.toIntExact(value.size());
      int pos = dst.position();
      if (size > dst.limit() - pos) {
        throw new BufferOverflowException();
      }
      RandomDataInput in = value.bytes();
      if (dst.hasArray()) {
        in.read(value.offset(), dst.array(), dst.arrayOffset() + pos, size);
      } else {
        in.nativeRead(value.offset(), Jvm.address(dst) + pos, size);
      }
      dst.position(pos + size);
      return size;
    }
  }

  boolean remove(long id) {
    try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(id)) {
      c.updateLock().lock();
      MapEntry<Long, byte[]> old = c.entry();
      if (old == null) {
        return false;
      }
      long freed = spec.chargeOf(valueSize(old));
      c.remove(old);
      chargedBytes -= freed;
      entries--;
      return true;
    }
  }

  /**
   * Removes the value under {@code id} from the accounting (its room is free for placement at
   * once) but leaves its bytes readable until {@link #dropRetired}; returns whether there was one.
   */
  boolean retire(long id) {
    if (retired.contains(id)) {
      return false;
    }
    try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(id)) {
      MapEntry<Long, byte[]> old = c.entry();
      if (old == null) {
        return false;
      }
      chargedBytes -= spec.chargeOf(valueSize(old));
      entries--;
      retired.add(id);
      return true;
    }
  }

  /** Removes the bytes of every retired value (already out of the accounting). */
  void dropRetired() {
    for (long id : retired) {
      try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(id)) {
        c.updateLock().lock();
        MapEntry<Long, byte[]> old = c.entry();
        if (old != null) {
          c.remove(old);
        }
      }
    }
    retired.clear();
  }

  /**
   * Visits the values whose id is below {@code idLimit} in ascending id order (a deterministic
   * order, independent of the file layout).
   */
  void forEach(long idLimit, ChunkVisitor visitor) {
    long[][] ids = {new long[16]};
    int[] n = {0};
    map.forEachEntry(e -> {
      long id = e.key().get();
      if (id >= idLimit) {
        return;
      }
      if (n[0] == ids[0].length) {
        ids[0] = Arrays.copyOf(ids[0], n[0] * 2);
      }
      ids[0][n[0]++] = id;
    });
    long[] sorted = Arrays.copyOf(ids[0], n[0]);
    Arrays.sort(sorted);
    for (long id : sorted) {
      byte[] value = map.get(id);
      if (value != null) {
        visitor.visit(index, id, value);
      }
    }
  }

  void close() {
    map.close();
  }
}
