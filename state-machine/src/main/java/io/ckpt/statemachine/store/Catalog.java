package io.ckpt.statemachine.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.StagedUpload;
import io.ckpt.protocol.StoreState;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * The store's metadata in one Chronicle Map: segment records under their names, staged uploads
 * under {@code !u/<id>}, and the store state under {@code !state} (names cannot start with
 * {@code !}; the store writes its state there when the catalog is read whole and on close, see
 * {@link SegmentStore}). Sorted in-memory indexes of names and uploads are rebuilt when it opens.
 */
final class Catalog implements Closeable {
  static final String STATE_KEY = "!state";
  /** A small segment's record with three versions is ~150 bytes; a 1 GiB one ~60 KiB. */
  private static final int AVERAGE_RECORD_BYTES = 512;
  static final String UPLOAD_PREFIX = "!u/";
  private final ChronicleMap<String, byte[]> map;
  private final NavigableSet<String> names = new ConcurrentSkipListSet<>();
  private final Set<String> uploads = ConcurrentHashMap.newKeySet();
  /** {@code names.size()}: a skip list counts its elements one by one. */
  private final AtomicInteger nameCount = new AtomicInteger();
  /** Slots of decoded records of the segments written last. */
  static final int RECENT_RECORDS = 4096;
  /**
   * The largest record kept decoded: small segments' (a few versions of one chunk each), whose
   * puts are short enough for a parse to count; with 4096 slots, a few MB of heap at most.
   */
  static final int RECENT_RECORD_BYTES = 512;
  private final RecentRecords recent = new RecentRecords(RECENT_RECORDS);

  private Catalog(ChronicleMap<String, byte[]> map) {
    this.map = map;
    for (String key : map.keySet()) {
      index(key);
    }
  }

  static Catalog open(Path file, int entries) throws IOException {
    ChronicleMap<String, byte[]> map = ChronicleMapBuilder.of(String.class, byte[].class)
        .name("ckpt-catalog").entries(entries).averageKeySize(40).averageValueSize(AVERAGE_RECORD_BYTES).maxBloatFactor(2.0)
        .skipCloseOnExitHook(true)
        .createPersistedTo(file.toFile());
    return new Catalog(map);
  }

  private void index(String key) {
    if (key.startsWith(UPLOAD_PREFIX)) {
      uploads.add(key.substring(UPLOAD_PREFIX.length()));
    } else if (!key.startsWith("!")) {
      addName(key);
    }
  }

  private void addName(String name) {
    if (names.add(name)) {
      nameCount.incrementAndGet();
    }
  }

  /** Segment names in order (read-only: the catalog keeps its count beside it). */
  NavigableSet<String> names() {
    return Collections.unmodifiableNavigableSet(names);
  }

  int segmentCount() {
    return nameCount.get();
  }

  Set<String> uploadIds() {
    return uploads;
  }

  /** Segments plus staged uploads: what counts against the catalog's capacity. */
  int entryCount() {
    return segmentCount() + uploads.size();
  }

  /** Whether segment {@code name} exists, from the in-memory index (no read or parse of its record). */
  boolean hasSegment(String name) {
    return names.contains(name);
  }

  Optional<SegmentRecord> segment(String name) {
    SegmentRecord known = recent.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    byte[] b = map.get(name);
    return b == null ? Optional.empty() : Optional.of(parse(() -> SegmentRecord.parseFrom(b), name));
  }

  void putSegment(SegmentRecord record) {
    // A name with a record in its slot is indexed already (slots are filled only here, after
    // the name): the skip list's search per put is then saved.
    boolean indexed = recent.get(record.getName()) != null;
    // Forgotten first: a failed put must not leave the old record readable from the slot while the map might differ.
    recent.forget(record.getName());
    byte[] b = record.toByteArray();
    store(record.getName(), b);
    if (!indexed) {
      addName(record.getName());
    }
    if (b.length <= RECENT_RECORD_BYTES) {
      recent.written(record);
    }
  }

  Optional<StagedUpload> upload(String uploadId) {
    byte[] b = map.get(UPLOAD_PREFIX + uploadId);
    return b == null ? Optional.empty() : Optional.of(parse(() -> StagedUpload.parseFrom(b), uploadId));
  }

  void putUpload(StagedUpload upload) {
    store(UPLOAD_PREFIX + upload.getUploadId(), upload.toByteArray());
    uploads.add(upload.getUploadId());
  }

  void removeUpload(String uploadId) {
    map.remove(UPLOAD_PREFIX + uploadId);
    uploads.remove(uploadId);
  }

  StoreState state() {
    byte[] b = map.get(STATE_KEY);
    return b == null ? StoreState.getDefaultInstance() : parse(() -> StoreState.parseFrom(b), STATE_KEY);
  }

  void putState(StoreState state) {
    store(STATE_KEY, state.toByteArray());
  }

  /**
   * {@code map.put} without its return value: a put reads the value it replaces back onto the
   * heap, and apply writes a record on every entry.
   */
  private void store(String key, byte[] value) {
    try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
      c.updateLock().lock();
      MapEntry<String, byte[]> old = c.entry();
      Data<byte[]> data = c.wrapValueAsData(value);
      if (old != null) {
        c.replaceValue(old, data);
      } else {
        c.insert(c.absentEntry(), data);
      }
    }
  }

  /** Raw entries, for snapshots. */
  void forEachRaw(BiConsumer<String, byte[]> visitor) {
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      visitor.accept(e.getKey(), e.getValue());
    }
  }

  void putRaw(String key, byte[] value) {
    recent.forget(key);
    store(key, value);
    index(key);
  }

  void clear() {
    recent.clear();
    map.clear();
    names.clear();
    nameCount.set(0);
    uploads.clear();
  }

  @Override
  public void close() {
    map.close();
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(Parser<T> p, String key) {
    try {
      return p.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException("catalog entry '" + key + "' is unreadable: " + e.getMessage());
    }
  }
}
