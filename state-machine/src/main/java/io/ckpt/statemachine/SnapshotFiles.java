package io.ckpt.statemachine;

import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's snapshot files ({@code raft/<group>/sm/snapshot.<term>_<index>} plus {@code .md5})
 * and the first index still in its Raft log: what a rebuild of the store can start from.
 */
final class SnapshotFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
  static final String DAMAGED_SUFFIX = ".corrupt";
  private static final Pattern CLOSED_SEGMENT = Pattern.compile("log_(\\d+)-(\\d+)");
  private static final Pattern OPEN_SEGMENT = Pattern.compile("log_inprogress_(\\d+)");

  private SnapshotFiles() {}

  /** One snapshot file; {@code md5} is null when its .md5 file is missing. */
  record Snapshot(Path file, TermIndex termIndex, MD5Hash md5) {
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
          MD5Hash md5;
          try {
            md5 = MD5FileUtil.readStoredMd5ForFile(f.toFile());
          } catch (IOException e) {
            md5 = null; // an unreadable .md5 file: the snapshot's own checksums still decide
          }
          out.add(new Snapshot(f, ti, md5));
        }
      }
    }
    out.sort(Comparator.comparingLong(Snapshot::index).reversed());
    return out;
  }

  /**
   * Restores a snapshot file into {@code store}. The snapshot's own record checksums decide
   * whether it is intact (they cover everything a restore uses); its MD5 is computed on the way.
   * An intact snapshot whose .md5 file is missing or disagrees gets a correct one, because
   * Ratis sends the recorded MD5 with the snapshot to followers, which refuse a mismatch.
   *
   * @throws StoreCorruptException if the snapshot is damaged (the store is then partly filled)
   */
  static void restore(SegmentStore store, Path file, MD5Hash recorded) throws IOException {
    MessageDigest digest = MD5FileUtil.newMD5();
    try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20), digest)) {
      store.restoreSnapshot(in);
      byte[] rest = new byte[8192];
      while (in.read(rest) >= 0) {
        // digest what follows the snapshot's end, if anything
      }
    }
    MD5Hash actual = MD5Hash.newInstance(digest.digest());
    if (!actual.equals(recorded)) {
      LOG.warn("{}: its records are intact but {} {}; writing it again", file,
          MD5FileUtil.getDigestFileForFile(file.toFile()).getName(),
          recorded == null ? "is missing or unreadable" : "says " + recorded + ", not " + actual);
      MD5FileUtil.saveMD5File(file.toFile(), actual);
    }
  }

  /**
   * Writes a snapshot of {@code store} to {@code file}: to a temporary file first, forced, then
   * moved into place. A failed write (e.g. a full disk) leaves no partial file. Its .md5 is
   * {@link #recordMd5 recorded} separately.
   */
  static void write(SegmentStore store, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".writing");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        store.writeSnapshot(out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Computes the MD5 of a snapshot file and records it in its .md5 file, where Ratis reads it
   * (after a restart) to send with the snapshot to followers, which refuse a mismatch.
   */
  static void recordMd5(Path file) throws IOException {
    MD5FileUtil.saveMD5File(file.toFile(), MD5FileUtil.computeMd5ForFile(file.toFile()));
    if (!Files.exists(file)) {
      // Ratis's retention removed the snapshot meanwhile (with whatever .md5 it had then).
      Files.deleteIfExists(MD5FileUtil.getDigestFileForFile(file.toFile()).toPath());
    }
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
