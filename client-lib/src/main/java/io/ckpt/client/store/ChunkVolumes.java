package io.ckpt.client.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A growable set of fixed-capacity Chronicle Map files ("volumes") in one directory, holding
 * {@code byte[]} values under {@code (volume, id)} addresses: the storage primitive of each
 * node's state machine and of the client's local store.
 *
 * <p>Files are {@code <prefix>-00000.cmap}, {@code <prefix>-00001.cmap}, ...; beside them
 * {@code <prefix>.spec} records the geometry they were created with and {@code <prefix>.open}
 * marks an open store (if it is present at {@link #open}, the previous process did not close the
 * store and the volumes are reopened with Chronicle's {@code recoverPersistedTo}), and
 * {@code <prefix>.lock} is held locked while the store is open, so one directory and prefix is
 * opened by one {@code ChunkVolumes} at a time (a second open fails with an {@code IOException}).
 *
 * <h2>Accounting and placement</h2>
 * A value is charged {@link VolumeSpec#chargeOf(int)} bytes. A volume has room for a value when
 * its charged bytes stay within {@link VolumeSpec#usableBytes()} and its entries within
 * {@link VolumeSpec#entriesPerVolume()}. {@link #place(int)} returns the first volume with room,
 * creating the next volume file if none has; it depends only on the accounting, which depends
 * only on the values stored, so replicas that apply the same puts and removes choose the same
 * volumes. The accounting is recomputed at open by iterating every volume.
 *
 * <h2>Measurements behind the defaults</h2>
 * Chronicle Map 2026.1, JDK 17, {@code entries = volumeBytes / minChargeBytes},
 * {@code averageValueSize = minChargeBytes}, 64 MiB volumes:
 * <ul>
 * <li>Chronicle's default of 16 segments preallocates 88.5 MB (16 KiB min charge) or 109 MB
 *     (64 KiB) and fills unevenly; with {@code actualSegments(1)} (used here) the file is
 *     preallocated to 1.03 x volumeBytes: 69,353,472 bytes (16 KiB) / 69,238,784 bytes (64 KiB).
 *     Files are <b>not sparse</b>: {@code du} equals {@code ls -l} right after creation.</li>
 * <li>A 1 MiB value fits (the largest entry is bounded by one segment tier, not by the average
 *     size). Without extra tiers, one tier holds 66 (16 KiB) / 65 (64 KiB) values of 1 MiB,
 *     1,048 / 1,024 values of 64 KiB (about 100% of volumeBytes), and 6,553 / 1,638 values of
 *     1 KiB (1.6 x entries: the hash lookup limits small values). Then Chronicle fails with
 *     "Attempt to allocate #1 extra segment tier, 0 is maximum".</li>
 * <li>Chronicle's chunk size is minChargeBytes / 32 (512 B for 16 KiB, 2 KiB for 64 KiB).</li>
 * <li>Fragmentation: under random put/remove churn of values from 0 bytes to 1 MiB, a single
 *     tier failed at 85% and 90% charged (19–615 failures in 20k–50k operations) but not at 75%
 *     or 60% (64 MiB volumes); 8 MiB and 4 MiB volumes with 1 MiB values failed even at 75%
 *     (44–150 failures in 30k operations). With one extra tier allowed, no run failed, and the
 *     file grew once to 2.07 x volumeBytes when that tier was first used.</li>
 * <li>Opening: the first map in a JVM takes 1.5–3.2 s (code generation); creating further
 *     volume files 6–230 ms; reopening an existing volume 13–52 ms.</li>
 * </ul>
 * Hence: one segment per volume, values charged up to 75% of volumeBytes
 * ({@link VolumeSpec#USABLE_FRACTION}), and up to 2 extra tiers allowed
 * ({@code maxBloatFactor(2.0)}) as a fragmentation reserve. A volume's file is normally
 * 1.03 x volumeBytes on disk, but may grow to about 2.07 x under churn (at most about 3.1 x with both extra tiers, never observed); budget disk
 * space accordingly. Defaults: {@link VolumeSpec#defaults()} (64 MiB volumes, 16 KiB minimum
 * charge, 1 MiB values).
 *
 * <h2>Entry checksums</h2>
 * By default Chronicle keeps a checksum of every entry, so that its recovery can tell torn
 * entries after a crash; it costs a second pass over every value put. A store that checks its
 * own checksum of every value it reads may open with {@link EntryChecksums#OFF} (the client's
 * local store does).
 *
 * <h2>Threads</h2>
 * Writers ({@link #place}, {@link #put}, {@link #remove}, {@link #ensureVolumes}, {@link #clear},
 * {@link #close}) are serialized. {@link #get}, {@link #read} and {@link #forEach} may run
 * concurrently with {@code put} and {@code remove}, but not with {@code clear} or {@code close}.
 */
public final class ChunkVolumes implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkVolumes.class);
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final Path dir;
  private final String prefix;
  private final VolumeSpec spec;
  private final boolean recovered;
  private final FileChannel lockChannel;
  private volatile Volume[] volumes;
  private boolean closed;
  /** Whether removals are held (see {@link #holdRemovals}); guarded by this. */
  private boolean removalsHeld;
  private final ValueSource source = new ValueSource();

  private final EntryChecksums checksums;

  private ChunkVolumes(Path dir, String prefix, VolumeSpec spec, EntryChecksums checksums, Volume[] volumes,
                       boolean recovered, FileChannel lockChannel) {
    this.checksums = checksums;
    this.lockChannel = lockChannel;
    this.dir = dir;
    this.prefix = prefix;
    this.spec = spec;
    this.volumes = volumes;
    this.recovered = recovered;
  }

  /**
   * Opens the volumes {@code <prefix>-NNNNN.cmap} in {@code dir} in index order (creating the
   * directory if needed; no volume file is created until {@link #place} needs one). If the
   * store was not closed by its previous user, the volumes are recovered as by
   * {@link #recover}.
   *
   * @throws IOException if a volume cannot be opened, the volume files are not numbered
   *         0..n-1, or the directory was created with another volumeBytes or minChargeBytes
   */
  public static ChunkVolumes open(Path dir, String prefix, VolumeSpec spec) throws IOException {
    return open(dir, prefix, spec, EntryChecksums.ON, false);
  }

  /**
   * Opens like {@link #open(Path, String, VolumeSpec)}; volume files created from now on keep
   * Chronicle entry checksums or not as {@code checksums} says (existing files keep theirs).
   */
  public static ChunkVolumes open(Path dir, String prefix, VolumeSpec spec, EntryChecksums checksums)
      throws IOException {
    return open(dir, prefix, spec, checksums, false);
  }

  /**
   * Opens like {@link #open}, but reopens every existing volume with Chronicle's
   * {@code recoverPersistedTo}: use after a crash, or when {@code open} fails on a damaged
   * file. Recently written values may be missing afterwards (Chronicle Map is not durable;
   * the Raft log is the source of truth).
   */
  public static ChunkVolumes recover(Path dir, String prefix, VolumeSpec spec) throws IOException {
    return open(dir, prefix, spec, EntryChecksums.ON, true);
  }

  private static ChunkVolumes open(Path dir, String prefix, VolumeSpec spec, EntryChecksums checksums,
      boolean recover) throws IOException {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("invalid volume prefix \"" + prefix
          + "\": use 1-100 characters of [A-Za-z0-9._-]");
    }
    Files.createDirectories(dir);
    FileChannel lock = lock(dir, prefix);
    try {
      return open(dir, prefix, spec, checksums, recover, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static ChunkVolumes open(Path dir, String prefix, VolumeSpec spec, EntryChecksums checksums,
      boolean recover, FileChannel lock)
      throws IOException {
    checkSpecFile(dir, prefix, spec);
    Path marker = dir.resolve(prefix + ".open");
    boolean unclean = Files.exists(marker);
    boolean doRecover = recover || unclean;
    if (unclean && !recover) {
      LOG.warn("{}: {} was not closed cleanly; recovering its volumes", marker, prefix);
    }
    TreeMap<Integer, Path> files = listVolumeFiles(dir, prefix);
    Volume[] volumes = new Volume[files.size()];
    try {
      for (int i = 0; i < volumes.length; i++) {
        Path f = files.get(i);
        if (f == null) {
          throw new IOException("volume files in " + dir + " are not numbered 0.." + (volumes.length - 1)
              + ": " + volumeFile(dir, prefix, i).getFileName() + " is missing (found " + files.values() + ")");
        }
        volumes[i] = Volume.open(i, f.toFile(), spec, checksums, prefix + "-" + i, doRecover);
      }
      Files.writeString(marker, "open\n");
    } catch (IOException | RuntimeException e) {
      for (Volume v : volumes) {
        if (v != null) {
          v.close();
        }
      }
      throw e;
    }
    return new ChunkVolumes(dir, prefix, spec, checksums, volumes, doRecover, lock);
  }

  /** The geometry of the volumes. */
  public VolumeSpec spec() {
    return spec;
  }

  /** Whether the volumes were opened with Chronicle's recovery (see {@link #recover}). */
  public boolean wasRecovered() {
    return recovered;
  }

  /** The number of volume files. */
  public int volumeCount() {
    return volumes.length;
  }

  /**
   * Deterministic placement: the index of the first volume with room for a value of this
   * size, creating a new volume file if none has room.
   *
   * @throws IllegalArgumentException if {@code valueSize} is negative or above
   *         {@link VolumeSpec#maxValueBytes()}
   * @throws VolumeFullException if {@code spec.maxVolumes()} volumes exist and none has room
   * @throws IOException if a new volume file cannot be created
   */
  public synchronized int place(int valueSize) throws IOException {
    checkOpen();
    checkValueSize(valueSize);
    Volume[] vs = volumes;
    for (Volume v : vs) {
      if (v.hasRoom(valueSize, 0, 0)) {
        return v.index;
      }
    }
    if (vs.length >= spec.maxVolumes()) {
      throw new VolumeFullException(valueSize, spec.maxVolumes(), usedBytes(), capacityBytes());
    }
    ensureVolumes(vs.length + 1);
    return vs.length;
  }

  /**
   * Whether a value of {@code valueSize} bytes could be placed without exceeding the quota
   * (an existing volume has room, or another volume may still be created). Use it to refuse a
   * write before it enters the log.
   */
  public synchronized boolean hasRoomFor(int valueSize) {
    checkValueSize(valueSize);
    Volume[] vs = volumes;
    if (vs.length < spec.maxVolumes()) {
      return true;
    }
    for (Volume v : vs) {
      if (v.hasRoom(valueSize, 0, 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates volume files until there are at least {@code count} (used to restore a snapshot
   * into the volumes it was taken from).
   *
   * @throws IllegalArgumentException if {@code count} exceeds {@code spec.maxVolumes()}
   */
  public synchronized void ensureVolumes(int count) throws IOException {
    checkOpen();
    if (count > spec.maxVolumes()) {
      throw new IllegalArgumentException("cannot create " + count + " volumes: the maximum is " + spec.maxVolumes());
    }
    while (volumes.length < count) {
      int i = volumes.length;
      Path f = volumeFile(dir, prefix, i);
      Files.deleteIfExists(f); // a leftover of an interrupted clear() is not part of the store
      Volume v = Volume.open(i, f.toFile(), spec, checksums, prefix + "-" + i, false);
      Volume[] next = Arrays.copyOf(volumes, i + 1);
      next[i] = v;
      volumes = next;
    }
  }

  /**
   * Stores {@code value} under {@code id} in volume {@code volume}, replacing any value stored
   * under that id there.
   *
   * @throws IllegalArgumentException if the value is longer than {@code spec.maxValueBytes()}
   * @throws IndexOutOfBoundsException if the volume does not exist
   * @throws IllegalStateException if the volume has no room for the value (choose the volume
   *         with {@link #place})
   */
  public synchronized void put(int volume, long id, byte[] value) {
    put(volume, id, ByteBuffer.wrap(value));
  }

  /**
   * Stores the remaining bytes of {@code value} (its position is not changed) under {@code id}
   * in volume {@code volume}, replacing any value stored under that id there. A direct buffer is
   * copied into the volume in one bulk copy; a heap buffer is staged in a reused direct buffer
   * first. Otherwise as {@link #put(int, long, byte[])}.
   */
  public synchronized void put(int volume, long id, ByteBuffer value) {
    checkOpen();
    int size = value.remaining();
    checkValueSize(size);
    Volume v = volume(volume);
    try {
      v.put(id, source.of(value), size);
    } catch (TiersExhaustedException e) {
      if (!removalsHeld) {
        throw e;
      }
      // The accounting has room, but values removed while held still take theirs: wait for them to go.
      LOG.warn("volume {} of {} is physically full of removed values held for a reader; waiting for them", volume, dir);
      awaitRemovalsReleased();
      volume(volume).put(id, source.of(value), size);
    }
  }

  private void awaitRemovalsReleased() {
    boolean interrupted = false;
    while (removalsHeld && !closed) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Holds removals until {@link #releaseRemovals}: a value removed meanwhile leaves the
   * accounting at once (its room and entry count are free, so placement stays a function of the
   * values stored, exactly as without the hold) but its bytes stay readable with {@link #get},
   * {@link #read} and {@link #forEach}. A reader of a fixed set of values (a snapshot being
   * written) can so run beside writers that free some of them. Ids are never reused by callers
   * that rely on this. A put that finds its volume physically full of such values waits for the
   * release.
   *
   * @throws IllegalStateException if removals are already held
   */
  public synchronized void holdRemovals() {
    checkOpen();
    if (removalsHeld) {
      throw new IllegalStateException("removals in " + dir + " are already held");
    }
    removalsHeld = true;
  }

  /** Ends {@link #holdRemovals}: the values removed meanwhile are deleted now. Idempotent. */
  public synchronized void releaseRemovals() {
    if (!removalsHeld) {
      return;
    }
    removalsHeld = false;
    if (!closed) {
      for (Volume v : volumes) {
        v.dropRetired();
      }
    }
    notifyAll();
  }

  /** Returns a copy of the value stored under {@code id} in {@code volume}, or null if absent. */
  public byte[] get(int volume, long id) {
    return volume(volume).get(id);
  }

  /**
   * Copies the value stored under {@code id} in {@code volume} into {@code dst} at its position,
   * advancing the position by the value's size, without an intermediate copy; returns the size,
   * or -1 if there is no such value (then {@code dst} is unchanged). May run concurrently with
   * {@link #put} and {@link #remove}: a value replaced or removed meanwhile is copied whole
   * (before the change) or not at all.
   *
   * @throws java.nio.BufferOverflowException if the value is larger than {@code dst.remaining()}
   *         ({@code dst} is unchanged)
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   * @throws IndexOutOfBoundsException if the volume does not exist
   */
  public int read(int volume, long id, ByteBuffer dst) {
    return volume(volume).read(id, dst);
  }

  /** Removes the value under {@code id} in {@code volume}, freeing its room; returns whether there was one. */
  public synchronized boolean remove(int volume, long id) {
    checkOpen();
    Volume v = volume(volume);
    return removalsHeld ? v.retire(id) : v.remove(id);
  }

  /** The charged bytes of all stored values. */
  public synchronized long usedBytes() {
    long sum = 0;
    for (Volume v : volumes) {
      sum += v.chargedBytes();
    }
    return sum;
  }

  /** The charged bytes of the values in one volume. */
  public synchronized long usedBytes(int volume) {
    return volume(volume).chargedBytes();
  }

  /** The number of values stored in one volume. */
  public synchronized long entryCount(int volume) {
    return volume(volume).entries();
  }

  /** The number of values stored. */
  public synchronized long entryCount() {
    long sum = 0;
    for (Volume v : volumes) {
      sum += v.entries();
    }
    return sum;
  }

  /** The configured capacity: {@code spec.maxVolumes() * spec.volumeBytes()}. */
  public long capacityBytes() {
    return spec.capacityBytes();
  }

  /**
   * Visits {@code (volume, id, value)} of every stored value: volumes in index order, ids in
   * ascending order within a volume (so replicas holding the same values visit them in the same
   * order). Values put or removed concurrently may or may not be visited; values removed while
   * removals are held are visited until the release.
   */
  public void forEach(ChunkVisitor visitor) {
    forEach(Long.MAX_VALUE, visitor);
  }

  /** As {@link #forEach(ChunkVisitor)}, visiting only the values whose id is below {@code idLimit}. */
  public void forEach(long idLimit, ChunkVisitor visitor) {
    for (Volume v : volumes) {
      v.forEach(idLimit, visitor);
    }
  }

  /** Deletes all values and volume files (before a snapshot restore). The store stays open. */
  public synchronized void clear() throws IOException {
    checkOpen();
    releaseRemovals();
    Volume[] vs = volumes;
    volumes = new Volume[0];
    for (Volume v : vs) {
      v.close();
    }
    for (Volume v : vs) {
      Files.deleteIfExists(v.file.toPath());
    }
    for (Path p : listVolumeFiles(dir, prefix).values()) { // e.g. leftovers of an earlier clear
      Files.deleteIfExists(p);
    }
  }

  /** Closes all volumes and marks the store as cleanly closed. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    releaseRemovals(); // the files keep exactly the values accounted for
    closed = true;
    source.release();
    Volume[] vs = volumes;
    volumes = new Volume[0];
    for (Volume v : vs) {
      v.close();
    }
    try {
      Files.deleteIfExists(dir.resolve(prefix + ".open"));
    } catch (IOException e) {
      LOG.warn("cannot delete {}: the next open will recover the volumes", dir.resolve(prefix + ".open"), e);
    }
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException e) {
      LOG.warn("cannot release {}", dir.resolve(prefix + ".lock"), e);
    }
  }

  /** Takes an exclusive lock on {@code <prefix>.lock}: one user per store, across processes and in this JVM. */
  private static FileChannel lock(Path dir, String prefix) throws IOException {
    Path f = dir.resolve(prefix + ".lock");
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("volumes " + prefix + " in " + dir + " are already open (" + f + " is locked)");
    }
    return ch;
  }

  /** The path of volume file {@code index}: {@code dir/<prefix>-NNNNN.cmap}. */
  public static Path volumeFile(Path dir, String prefix, int index) {
    return dir.resolve(String.format("%s-%05d.cmap", prefix, index));
  }

  private Volume volume(int index) {
    Volume[] vs = volumes;
    if (index < 0 || index >= vs.length) {
      throw new IndexOutOfBoundsException("no volume " + index + " (there are " + vs.length + ")"
          + (closed ? "; the store is closed" : ""));
    }
    return vs[index];
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store in " + dir + " is closed");
    }
  }

  private void checkValueSize(int valueSize) {
    if (valueSize < 0 || valueSize > spec.maxValueBytes()) {
      throw new IllegalArgumentException("value size " + valueSize + " is outside 0.."
          + spec.maxValueBytes() + " (spec.maxValueBytes)");
    }
  }

  private static Pattern fileNamePattern(String prefix) {
    return Pattern.compile(Pattern.quote(prefix) + "-(\\d{5})\\.cmap");
  }

  private static TreeMap<Integer, Path> listVolumeFiles(Path dir, String prefix) throws IOException {
    Pattern p = fileNamePattern(prefix);
    TreeMap<Integer, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path f : ds) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches()) {
          files.put(Integer.parseInt(m.group(1)), f);
        }
      }
    }
    return files;
  }

  /** Records volumeBytes and minChargeBytes on first use; refuses a spec that would misread the files. */
  private static void checkSpecFile(Path dir, String prefix, VolumeSpec spec) throws IOException {
    Path f = dir.resolve(prefix + ".spec");
    if (Files.exists(f)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(f)) {
        p.load(in);
      }
      String vb = p.getProperty("volumeBytes");
      String mc = p.getProperty("minChargeBytes");
      if (!String.valueOf(spec.volumeBytes()).equals(vb) || !String.valueOf(spec.minChargeBytes()).equals(mc)) {
        throw new IOException("volumes in " + dir + " were created with volumeBytes=" + vb
            + " and minChargeBytes=" + mc + ", but opened with volumeBytes=" + spec.volumeBytes()
            + " and minChargeBytes=" + spec.minChargeBytes() + " (only maxVolumes and maxValueBytes may change)");
      }
      return;
    }
    Properties p = new Properties();
    p.setProperty("volumeBytes", String.valueOf(spec.volumeBytes()));
    p.setProperty("minChargeBytes", String.valueOf(spec.minChargeBytes()));
    Path tmp = dir.resolve(prefix + ".spec.tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "ckpt ChunkVolumes geometry; do not edit");
    }
    Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
