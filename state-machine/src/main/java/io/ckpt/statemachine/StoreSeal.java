package io.ckpt.statemachine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The clean-close marker of a node's store, and the check that the store's files are still
 * exactly what was closed.
 *
 * <p>Chronicle Map files carry no checksums that are checked on open or on read, so a flipped
 * byte in a closed store would be served (a catalog record) or make Chronicle throw on open
 * (a header). On a clean close the store's files are forced to disk and the seal records each
 * file's size and CRC32C plus the applied revision; the seal itself ends with a CRC32C of its
 * text. A store is reused on restart only if the seal is intact and every file matches it;
 * otherwise the store is discarded and rebuilt from the latest snapshot and the Raft log
 * (it is derived state). Checking costs one sequential read of the store's files, which is
 * cheaper than the rebuild it guards.
 *
 * <pre>
 * ckpt-store-seal 1
 * applied 1234
 * file catalog.cmap 20971520 1a2b3c4d
 * file chunks-00000.cmap 69353472 5e6f7a8b
 * check 9c0d1e2f
 * </pre>
 */
final class StoreSeal {
  static final String FILE_NAME = "CLEAN";
  private static final String MAGIC = "ckpt-store-seal 1";
  /** The files that make up a store: the catalog, the chunk volumes and their geometry. */
  private static final Pattern STORE_FILE = Pattern.compile("catalog\\.cmap|chunks-\\d{5}\\.cmap|chunks\\.spec");
  /** Files a store leaves beside its data; removed with it. */
  private static final Pattern STORE_LEFTOVER = Pattern.compile("chunks\\.open|chunks\\.spec\\.tmp|.*\\.cmap");

  private final long applied;
  private final Map<String, FileDigest> files;

  private record FileDigest(long size, int crc) {}

  private StoreSeal(long applied, Map<String, FileDigest> files) {
    this.applied = applied;
    this.files = files;
  }

  /** The applied revision recorded when the store was closed. */
  long applied() {
    return applied;
  }

  /** Seals a closed store: digests its files and writes the marker (forced to disk). */
  static void write(Path storeDir, long applied) throws IOException {
    StringBuilder text = new StringBuilder(MAGIC).append('\n').append("applied ").append(applied).append('\n');
    for (Path f : storeFiles(storeDir)) {
      FileDigest d = digest(f);
      text.append("file ").append(f.getFileName()).append(' ').append(d.size()).append(' ')
          .append(Integer.toHexString(d.crc())).append('\n');
    }
    int check = crcOf(text.toString());
    text.append("check ").append(Integer.toHexString(check)).append('\n');
    Path marker = storeDir.resolve(FILE_NAME);
    Path tmp = storeDir.resolve(FILE_NAME + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads and removes the marker (a store that is opened is no longer sealed).
   *
   * @return the seal, or empty if there is none or it is unreadable (both mean: not closed cleanly)
   * @throws DamagedSealException if the marker exists but is damaged
   */
  static Optional<StoreSeal> take(Path storeDir) throws IOException {
    Path marker = storeDir.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(marker, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.charset.CharacterCodingException e) {
      Files.deleteIfExists(marker);
      throw new DamagedSealException(marker + " is not readable text");
    }
    Files.deleteIfExists(marker);
    return Optional.of(parse(marker, text));
  }

  private static StoreSeal parse(Path marker, String text) throws DamagedSealException {
    int check = text.lastIndexOf("check ");
    if (!text.startsWith(MAGIC + "\n") || check < 0) {
      throw new DamagedSealException(marker + " is not a store seal");
    }
    String body = text.substring(0, check);
    try {
      int stored = Integer.parseUnsignedInt(text.substring(check + 6).strip(), 16);
      if (stored != crcOf(body)) {
        throw new DamagedSealException(marker + " fails its checksum");
      }
      long applied = -1;
      Map<String, FileDigest> files = new TreeMap<>();
      for (String line : body.split("\n")) {
        String[] w = line.split(" ");
        if (w[0].equals("applied") && w.length == 2) {
          applied = Long.parseLong(w[1]);
        } else if (w[0].equals("file") && w.length == 4) {
          files.put(w[1], new FileDigest(Long.parseLong(w[2]), Integer.parseUnsignedInt(w[3], 16)));
        }
      }
      if (applied < 0) {
        throw new DamagedSealException(marker + " has no applied revision");
      }
      return new StoreSeal(applied, files);
    } catch (NumberFormatException e) {
      throw new DamagedSealException(marker + " is unreadable: " + e.getMessage());
    }
  }

  /**
   * Compares the store's files with the seal.
   *
   * @return empty if they match, else what differs (for the log)
   */
  Optional<String> verify(Path storeDir) throws IOException {
    Map<String, Path> present = new TreeMap<>();
    for (Path f : storeFiles(storeDir)) {
      present.put(f.getFileName().toString(), f);
    }
    if (!present.keySet().equals(files.keySet())) {
      return Optional.of("its files are " + present.keySet() + " but were " + files.keySet() + " when it was closed");
    }
    for (Map.Entry<String, FileDigest> e : files.entrySet()) {
      FileDigest now = digest(present.get(e.getKey()));
      if (now.size() != e.getValue().size()) {
        return Optional.of(e.getKey() + " has " + now.size() + " bytes but had " + e.getValue().size());
      }
      if (now.crc() != e.getValue().crc()) {
        return Optional.of(e.getKey() + " changed since the store was closed (CRC32C mismatch)");
      }
    }
    return Optional.empty();
  }

  /** Deletes the store's files (and the marker), so it is created afresh; other files stay. */
  static void discard(Path storeDir) throws IOException {
    if (!Files.isDirectory(storeDir)) {
      return;
    }
    List<Path> doomed = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(storeDir)) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        if (STORE_FILE.matcher(name).matches() || STORE_LEFTOVER.matcher(name).matches()
            || name.equals(FILE_NAME) || name.equals(FILE_NAME + ".tmp")) {
          doomed.add(f);
        }
      }
    }
    for (Path f : doomed) {
      Files.deleteIfExists(f);
    }
  }

  private static List<Path> storeFiles(Path storeDir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(storeDir)) {
      for (Path f : ds) {
        if (STORE_FILE.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)) {
          out.add(f);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static FileDigest digest(Path f) throws IOException {
    CRC32C crc = new CRC32C();
    long size = 0;
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        size += buf.remaining();
        crc.update(buf);
        buf.clear();
      }
    }
    return new FileDigest(size, (int) crc.getValue());
  }

  private static int crcOf(String s) {
    CRC32C crc = new CRC32C();
    crc.update(s.getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }

  /** The marker exists but cannot be trusted: the store is treated as not closed cleanly. */
  static final class DamagedSealException extends IOException {
    DamagedSealException(String message) {
      super(message);
    }
  }
}
