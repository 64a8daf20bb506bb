package io.ckpt.statemachine;

import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import io.ckpt.statemachine.store.StoreView;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's snapshot files ({@code raft/<group>/sm/snapshot.<term>_<index>})
 * and the first index still in its Raft log: what a rebuild of the store can start from.
 */
public final class SnapshotFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
  static final String DAMAGED_SUFFIX = ".corrupt";
  private static final String WRITING_SUFFIX = ".writing";
  private static final Pattern CLOSED_SEGMENT = Pattern.compile("log_(\\d+)-(\\d+)");
  private static final Pattern OPEN_SEGMENT = Pattern.compile("log_inprogress_(\\d+)");

  private SnapshotFiles() {}

  /** One snapshot file. */
  record Snapshot(Path file, TermIndex termIndex) {
    long index() {
      return termIndex.getIndex();
    }
  }

  /** Every snapshot in {@code smDir}, newest first. */
  static List<Snapshot> list(Path smDir) throws IOException {
    List<Snapshot> out = new ArrayList<>();
    if (!Files.isDirectory(smDir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(smDir)) {
      for (Path f : ds) {
        Matcher m = SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(f.getFileName().toString());
        if (m.matches() && Files.isRegularFile(f)) {
          TermIndex ti = TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
          out.add(new Snapshot(f, ti));
        }
      }
    }
    out.sort(Comparator.comparingLong(Snapshot::index).reversed());
    return out;
  }

  /** Deletes snapshot files a crash left half written (they never counted). */
  static void deleteUnfinished(Path smDir) throws IOException {
    if (!Files.isDirectory(smDir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(smDir, "*" + WRITING_SUFFIX)) {
      for (Path f : ds) {
        LOG.info("deleting unfinished snapshot {}", f);
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * Restores a snapshot file into {@code store}. The snapshot's own record checksums decide
   * whether it is intact (they cover everything a restore uses).
   *
   * @throws StoreCorruptException if the snapshot is damaged (the store is then partly filled)
   */
  static void restore(SegmentStore store, Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      store.restoreSnapshot(in);
    }
  }

  /**
   * Checks a snapshot file by its record checksums and trailer, storing nothing.
   *
   * @throws StoreCorruptException if it is damaged
   */
  public static void verify(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      SegmentStore.verifySnapshot(in);
    }
  }

  /**
   * Writes a snapshot of {@code store} to {@code file} (apply waits meanwhile): to a temporary
   * file first, forced, then moved into place. A failed write (e.g. a full disk) leaves no
   * partial file. No MD5 is recorded (a .md5 of an earlier file of that name is removed):
   * computing one cost most of the apply thread at large writes, and Ratis computes it while it
   * sends a snapshot that has none, which the follower checks; at rest the records' CRC32Cs
   * protect the file.
   */
  static void write(SegmentStore store, Path file) throws IOException {
    write(file, store::writeSnapshot);
  }

  /**
   * Writes a frozen view of the store to {@code file} as {@link #write(SegmentStore, Path)} does,
   * while the store goes on applying.
   *
   * @throws java.util.concurrent.CancellationException once {@code cancelled} says so (no file is left)
   */
  static void write(StoreView view, Path file, BooleanSupplier cancelled) throws IOException {
    write(file, out -> view.write(out, cancelled));
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private static void write(Path file, Body body) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + WRITING_SUFFIX);
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        body.writeTo(out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.deleteIfExists(md5File(file));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Keeps the newest {@code retained} snapshots in {@code smDir} and deletes the older ones, with
   * any .md5 whose snapshot is gone. (Ratis's own retention counts only snapshots with an MD5.)
   */
  static void retain(Path smDir, int retained) throws IOException {
    if (retained <= 0) {
      return;
    }
    List<Snapshot> all = list(smDir);
    for (Snapshot old : all.subList(Math.min(retained, all.size()), all.size())) {
      LOG.info("deleting old snapshot {}", old.file());
      Files.deleteIfExists(old.file());
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(smDir, "*" + MD5FileUtil.MD5_SUFFIX)) {
      for (Path md5 : ds) {
        String name = md5.getFileName().toString();
        if (!Files.exists(md5.resolveSibling(name.substring(0, name.length() - MD5FileUtil.MD5_SUFFIX.length())))) {
          Files.deleteIfExists(md5);
        }
      }
    }
  }

  private static Path md5File(Path snapshot) {
    return MD5FileUtil.getDigestFileForFile(snapshot.toFile()).toPath();
  }

  /** Moves a damaged snapshot (and its .md5) aside, out of Ratis's sight; returns the new path. */
  static Path moveAside(Path file) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + DAMAGED_SUFFIX);
    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    Path md5 = file.resolveSibling(file.getFileName() + MD5FileUtil.MD5_SUFFIX);
    if (Files.exists(md5)) {
      Files.move(md5, file.resolveSibling(file.getFileName() + DAMAGED_SUFFIX + MD5FileUtil.MD5_SUFFIX),
          StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** The first log index held in the segment files of {@code currentDir}, if there are any. */
  static OptionalLong firstLogIndex(Path currentDir) throws IOException {
    long first = Long.MAX_VALUE;
    if (Files.isDirectory(currentDir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(currentDir, "log_*")) {
        for (Path f : ds) {
          String name = f.getFileName().toString();
          Matcher closed = CLOSED_SEGMENT.matcher(name);
          Matcher open = OPEN_SEGMENT.matcher(name);
          if (closed.matches()) {
            first = Math.min(first, Long.parseLong(closed.group(1)));
          } else if (open.matches() && Files.size(f) > 0) {
            first = Math.min(first, Long.parseLong(open.group(1)));
          }
        }
      }
    }
    return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first);
  }
}
