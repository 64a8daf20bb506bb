package io.ckpt.statemachine;

import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import io.ckpt.statemachine.store.StoreView;
import io.ckpt.statemachine.stream.StreamFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 *
 * <p>A snapshot of a store that keeps chunks in stream files has, beside its file, a directory
 * {@code snapshot.<term>_<index>.streams} of hard links to those files: the snapshot holds them
 * (a stream file the store frees later lives on while the snapshot does), Ratis sends them with
 * the snapshot to a follower that fell behind, and a restore links them back into the store's
 * stream directory. No byte is copied.
 */
public final class SnapshotFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
  static final String DAMAGED_SUFFIX = ".corrupt";
  private static final String WRITING_SUFFIX = ".writing";
  private static final String STREAMS_SUFFIX = ".streams";
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
    deleteOrphanLinks(smDir);
  }

  /** The directory of links to the stream files a snapshot names. */
  static Path streamLinks(Path snapshot) {
    return snapshot.resolveSibling(snapshot.getFileName() + STREAMS_SUFFIX);
  }

  /** The snapshot's stream links, sorted (a follower that fell behind is sent them after the file). */
  static List<Path> links(Path snapshot) throws IOException {
    List<Path> files = new ArrayList<>();
    Path links = streamLinks(snapshot);
    if (Files.isDirectory(links)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(links,
          f -> StreamFiles.linkedIndex(f.getFileName().toString()) > 0)) {
        ds.forEach(files::add);
      }
    }
    files.sort(Comparator.naturalOrder());
    return files;
  }

  /** Deletes stream links whose snapshot is gone (deleted, moved aside, or never finished). */
  private static void deleteOrphanLinks(Path smDir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(smDir, "*" + STREAMS_SUFFIX)) {
      for (Path links : ds) {
        String name = links.getFileName().toString();
        if (!Files.isRegularFile(links.resolveSibling(name.substring(0, name.length() - STREAMS_SUFFIX.length())))) {
          deleteLinks(links);
        }
      }
    }
  }

  private static void deleteLinks(Path links) throws IOException {
    if (!Files.isDirectory(links)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(links)) {
      for (Path f : ds) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(links);
  }

  /** Links {@code files} into a fresh {@code links} directory, forced to disk. */
  private static void link(Path links, List<Path> files) throws IOException {
    deleteLinks(links);
    if (files.isEmpty()) {
      return;
    }
    Files.createDirectories(links);
    for (Path f : files) {
      try {
        Files.createLink(links.resolve(f.getFileName()), f);
      } catch (NoSuchFileException e) {
        throw new IOException("the stream file " + f + " that the store keeps chunks in is missing", e);
      }
    }
    try (FileChannel dir = FileChannel.open(links, StandardOpenOption.READ)) {
      dir.force(true); // the links are in the directory before the snapshot file is moved into place
    }
  }

  /**
   * Links a snapshot's stream files into the store's stream directory, replacing files of the
   * same name there (a file of an entry the log later truncated may hold other bytes).
   */
  private static void relinkStreams(Path snapshot, Path streamsDir) throws IOException {
    List<Path> links = links(snapshot);
    if (links.isEmpty()) {
      return;
    }
    Files.createDirectories(streamsDir);
    for (Path f : links) {
      Path target = streamsDir.resolve(f.getFileName());
      Path tmp = streamsDir.resolve(f.getFileName() + ".relink");
      Files.deleteIfExists(tmp);
      Files.createLink(tmp, f);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Restores a snapshot file into {@code store}, with the stream files it links. The snapshot's
   * own record checksums decide whether it is intact (they cover everything a restore uses; a
   * chunk read from a stream file is checked against the CRC32C its record holds).
   *
   * @throws StoreCorruptException if the snapshot is damaged or lacks a stream file its records
   *     name (the store is then partly filled)
   */
  static void restore(SegmentStore store, Path file) throws IOException {
    relinkStreams(file, store.streamsDirectory());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      store.restoreSnapshot(in);
    }
    List<Long> missing = store.missingStreams();
    if (!missing.isEmpty()) {
      throw new StoreCorruptException("snapshot " + file.getFileName() + " names the stream files of log entries "
          + missing + ", which neither it nor " + store.streamsDirectory() + " has");
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
    try (StoreView view = store.freeze()) {
      write(view, file, () -> false);
    }
  }

  /**
   * Writes a frozen view of the store to {@code file} as {@link #write(SegmentStore, Path)} does,
   * while the store goes on applying.
   *
   * @throws java.util.concurrent.CancellationException once {@code cancelled} says so (no file is left)
   */
  static void write(StoreView view, Path file, BooleanSupplier cancelled) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + WRITING_SUFFIX);
    try {
      // The links first: the snapshot file in place means they are complete.
      link(streamLinks(file), view.streamFiles());
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        view.write(out, cancelled);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.deleteIfExists(md5File(file));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      if (!Files.exists(file)) {
        deleteLinks(streamLinks(file));
      }
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
      deleteLinks(streamLinks(old.file()));
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
