package io.ckpt.statemachine;

import io.ckpt.protocol.Status;
import io.ckpt.statemachine.store.Rejected;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps a node from running out of disk space in the middle of a write.
 *
 * <p>Measured on a full tmpfs before this guard existed: the Raft log still had preallocated
 * room, so a 1 MiB write was committed, and then every replica failed to apply it (a new
 * chunk volume could not be allocated) and fail-stopped: the whole group went down and stayed
 * down after space returned. Now the leader refuses a write before it enters the log when its
 * disk cannot take it plus a reserve (a clear QUOTA_EXCEEDED error to the client; writes
 * succeed again as soon as space returns), and an apply that still runs out of space (a
 * follower with less room than its leader) waits for space instead of failing: the store is
 * unchanged by the failed attempt, and every replica must apply every entry the same way.
 * Admission depends on this node's disk, which is fine there: it runs on the leader only,
 * before the log.
 */
final class DiskGuard {
  /** Disk a new chunk volume file takes beyond its nominal size (Chronicle's layout, ~3%, with margin). */
  static long volumeFileBytes(long volumeBytes) {
    return volumeBytes + volumeBytes / 8;
  }

  /**
   * How long admission may go on from one reading of the free space, and how far above what a
   * write needs the reading must then be: a statfs per filesystem per write was ~8 us of each
   * lone put's ~40 us on the leader before the log (CPU profile, 1 KiB puts); far from full, a
   * reading 100 ms old less what was admitted since tells as much. Near full, every write asks.
   */
  static final long READING_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long READING_HEADROOM_BYTES = 1L << 30;

  private final List<Path> dirs;
  private final long reserveBytes;
  private final LongSupplier freeSpace;
  private final LongSupplier nanoClock;
  /**
   * The distinct filesystems of the directories (the log and the store usually share one),
   * found once: {@code Files.getFileStore} scans the mount table (70-100 us here) and admission
   * asks on every write; {@code getUsableSpace} is one statfs. Null until found.
   */
  private volatile List<FileStore> stores;
  /**
   * The last reading admission took (guarded by this): free bytes (0 before the first, which
   * no write can be admitted from), when, and bytes admitted since.
   */
  private long readFree;
  private long readAtNanos;
  private long admittedSinceRead;

  DiskGuard(List<Path> dirs, long reserveBytes) {
    this.dirs = List.copyOf(dirs);
    this.reserveBytes = reserveBytes;
    this.freeSpace = this::statfs;
    this.nanoClock = System::nanoTime;
  }

  /** For tests: free space and time from the given sources. */
  DiskGuard(List<Path> dirs, long reserveBytes, LongSupplier freeSpace, LongSupplier nanoClock) {
    this.dirs = List.copyOf(dirs);
    this.reserveBytes = reserveBytes;
    this.freeSpace = freeSpace;
    this.nanoClock = nanoClock;
  }

  private List<FileStore> stores() {
    List<FileStore> found = stores;
    if (found != null) {
      return found;
    }
    List<FileStore> distinct = new ArrayList<>();
    boolean all = true;
    for (Path dir : dirs) {
      try {
        FileStore s = Files.getFileStore(dir);
        if (!distinct.contains(s)) {
          distinct.add(s);
        }
      } catch (IOException e) {
        all = false; // not counted, and asked again next time (a directory not created yet)
      }
    }
    found = List.copyOf(distinct);
    if (all) {
      stores = found;
    }
    return found;
  }

  long reserveBytes() {
    return reserveBytes;
  }

  /** The usable bytes on the fullest of the node's filesystems (Long.MAX_VALUE if unknown). */
  long freeBytes() {
    return freeSpace.getAsLong();
  }

  private long statfs() {
    long free = Long.MAX_VALUE;
    for (FileStore s : stores()) {
      try {
        free = Math.min(free, s.getUsableSpace());
      } catch (IOException e) {
        // a filesystem that cannot be asked is not counted; its writes will report their own errors
      }
    }
    return free;
  }

  /** The directory on the fullest filesystem, for messages. */
  Path fullestDir() {
    Path fullest = dirs.get(0);
    long least = Long.MAX_VALUE;
    for (Path dir : dirs) {
      try {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < least) {
          least = free;
          fullest = dir;
        }
      } catch (IOException e) {
        // ignore
      }
    }
    return fullest;
  }

  /**
   * Refuses a write when the disk cannot take it: the log gets {@code payload} bytes (plus those
   * already admitted), the store a new volume file if it needs one, and {@code reserve} bytes
   * stay free for the log's preallocation, snapshots and metadata.
   */
  void admit(String nodeId, long payload, long inFlight, long newVolumeBytes) throws Rejected {
    // Metadata writes (leases, registration, deletes) are tiny: they go on until a quarter of the
    // reserve is left, so owners keep their leases and operators can delete while data is refused.
    long reserve = payload > 0 ? reserveBytes : reserveBytes / 4;
    long needed = reserve + 2 * (payload + inFlight) + newVolumeBytes;
    long takes = 2 * payload + newVolumeBytes;
    synchronized (this) {
      if (nanoClock.getAsLong() - readAtNanos < READING_MAX_AGE_NANOS
          && readFree - admittedSinceRead - needed >= READING_HEADROOM_BYTES) {
        admittedSinceRead += takes;
        return;
      }
    }
    long free = freeBytes();
    synchronized (this) {
      readFree = free;
      readAtNanos = nanoClock.getAsLong();
      admittedSinceRead = free < needed ? 0 : takes;
    }
    if (free < needed) {
      throw new Rejected(Status.QUOTA_EXCEEDED, "node " + nodeId + " is low on disk space: " + mib(free) + " free in "
          + fullestDir() + ", this write needs " + mib(needed) + " (including " + mib(reserve)
          + " kept in reserve, ckpt.store.disk.reserve); free some space, and writes are accepted again");
    }
  }

  /**
   * Refuses {@code bytes} more of a stream when they would leave less than the reserve free
   * (streams arrive before their entry, so they are checked as they are written).
   */
  void admitStream(String nodeId, long bytes) throws IOException {
    long free = freeBytes();
    if (free - bytes < reserveBytes) {
      throw new IOException("node " + nodeId + " is low on disk space: " + mib(free) + " free in " + fullestDir()
          + ", a stream's next " + mib(bytes) + " would leave less than the " + mib(reserveBytes) + " kept in reserve"
          + " (ckpt.store.disk.reserve); free some space, and streams are accepted again");
    }
  }

  /** Whether {@code failure} (from apply or a file write) is this node running out of space. */
  boolean outOfSpace(Throwable failure, long volumeBytes) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (c instanceof IOException && m != null && (m.contains("No space left") || m.contains("Not enough space"))) {
        return true;
      }
    }
    boolean io = false;
    for (Throwable c = failure; c != null; c = c.getCause()) {
      io |= c instanceof IOException;
    }
    return io && freeBytes() < volumeFileBytes(volumeBytes);
  }

  static String mib(long bytes) {
    return bytes == Long.MAX_VALUE ? "unknown" : String.format("%.1f MiB", bytes / 1048576.0);
  }
}
