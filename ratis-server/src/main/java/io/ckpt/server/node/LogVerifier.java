package io.ckpt.server.node;

import io.ckpt.statemachine.DamagedStorageException;
import io.ckpt.statemachine.LogWatermark;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a node's Raft log files before Ratis opens them, and refuses to start the node when
 * they are damaged, with one message naming the file, the damage and the way out.
 *
 * <p>What Ratis 3.3.0 does on its own (measured): a flipped byte in any segment fails its
 * per-entry CRC32C and the server fails to start with "Failed to initRaftLog"; a closed
 * segment missing its tail fails later with "Found a gap between logs"; but an open segment
 * whose tail is cut (at an entry boundary, or inside an entry) loads as a shorter log: the
 * node forgets entries it may have acknowledged, and when its store was ahead of the shortened
 * log its state machine updater died, leaving a node that answered nothing.
 *
 * <p>Raft is only safe if a node never forgets an entry it acknowledged (it may have been part
 * of the majority that committed it, and could now vote for a leader that lacks it). So this
 * check refuses to start on any damage, and allows only what Ratis itself does after a crash:
 * dropping an incomplete last entry of the open segment, provided the node's
 * {@link LogWatermark} shows that entry was never durably written (acknowledged). Repairing the
 * log in place is not possible safely: the node cannot know which of its lost entries it had
 * acknowledged. The way out is to rebuild the node from its peers (see the message).
 *
 * <p>Segment format (Ratis {@code SegmentedRaftLogFormat}): the header {@code RaftLog1}, then
 * per entry a varint length, the entry, and a big-endian CRC32C of length and entry; zeros after
 * the last entry. Files are {@code log_<first>-<last>} (closed) and {@code log_inprogress_<first>}.
 */
final class LogVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(LogVerifier.class);
  private static final byte[] HEADER = "RaftLog1".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern CLOSED = Pattern.compile("log_(\\d+)-(\\d+)");
  private static final Pattern OPEN = Pattern.compile("log_inprogress_(\\d+)");

  private final String nodeId;
  private final Path dataDir;
  private final int maxEntryBytes;

  private LogVerifier(String nodeId, Path dataDir, int maxEntryBytes) {
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.maxEntryBytes = maxEntryBytes;
  }

  private record Segment(Path file, long first, long last, boolean open) {}

  /** What a scan of one segment found. */
  private record Scan(int entries, boolean incompleteTail, String problem) {}

  /**
   * Verifies the log of the group stored in {@code groupDir}.
   *
   * @param watermarkFile the node's {@link LogWatermark}
   * @param maxEntryBytes the largest entry Ratis accepts (its appender buffer byte limit)
   * @throws DamagedStorageException if the log is damaged
   */
  static void verify(String nodeId, Path dataDir, Path groupDir, Path watermarkFile, int maxEntryBytes)
      throws IOException {
    new LogVerifier(nodeId, dataDir, maxEntryBytes).verify(groupDir, watermarkFile);
  }

  private void verify(Path groupDir, Path watermarkFile) throws IOException {
    Path current = groupDir.resolve("current");
    List<Segment> segments = segments(current);
    long last = -1;
    Segment previous = null;
    for (Segment s : segments) {
      if (previous != null && s.first() != previous.last() + 1) {
        throw damaged(s.file(), "it starts at entry " + s.first() + " but " + previous.file().getFileName()
            + " ends at entry " + previous.last() + " (entries are missing between them)");
      }
      Scan scan = scan(s.file());
      if (scan.problem() != null) {
        throw damaged(s.file(), scan.problem());
      }
      long end = s.first() + scan.entries() - 1;
      if (!s.open() && end != s.last()) {
        throw damaged(s.file(), "it should hold entries " + s.first() + ".." + s.last() + " but "
            + (end < s.last() ? "ends after entry " + end + " (its end is missing)" : "holds " + scan.entries() + " entries"));
      }
      if (scan.incompleteTail()) {
        LOG.warn("{}: {} ends with an incomplete entry after entry {}; Ratis drops it", nodeId, s.file(), end);
      }
      last = s.open() ? end : s.last();
      previous = s.open() ? new Segment(s.file(), s.first(), end, true) : s;
    }
    long snapshot = latestSnapshotIndex(groupDir.resolve("sm"));
    OptionalLong watermark = LogWatermark.read(watermarkFile);
    long held = Math.max(last, snapshot);
    if (watermark.isPresent() && watermark.getAsLong() > held) {
      Path where = segments.isEmpty() ? current : segments.get(segments.size() - 1).file();
      throw damaged(where, "the log ends at entry " + last + (snapshot >= 0 ? " (snapshot at " + snapshot + ")" : "")
          + " but this node had durably written entries up to " + watermark.getAsLong() + " (" + watermarkFile
          + "): entries it may have acknowledged are missing");
    }
  }

  private DamagedStorageException damaged(Path file, String what) {
    return new DamagedStorageException("node " + nodeId + " cannot start: its Raft log is damaged: " + file + ": " + what
        + ". Rebuilding the log in place could forget entries this node acknowledged, which Raft forbids; "
        + DamagedStorageException.rebuildFromPeersAdvice(dataDir));
  }

  private static List<Segment> segments(Path current) throws IOException {
    List<Segment> out = new ArrayList<>();
    if (!Files.isDirectory(current)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(current, "log_*")) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        Matcher closed = CLOSED.matcher(name);
        Matcher open = OPEN.matcher(name);
        if (closed.matches()) {
          out.add(new Segment(f, Long.parseLong(closed.group(1)), Long.parseLong(closed.group(2)), false));
        } else if (open.matches()) {
          out.add(new Segment(f, Long.parseLong(open.group(1)), -1, true));
        }
      }
    }
    out.sort(Comparator.comparingLong(Segment::first).thenComparing(Segment::open));
    return out;
  }

  private static long latestSnapshotIndex(Path smDir) throws IOException {
    long latest = -1;
    if (Files.isDirectory(smDir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(smDir)) {
        for (Path f : ds) {
          Matcher m = SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(f.getFileName().toString());
          if (m.matches()) {
            latest = Math.max(latest, Long.parseLong(m.group(2)));
          }
        }
      }
    }
    return latest;
  }

  /** Reads a segment the way Ratis does, checking every entry's CRC32C. */
  private Scan scan(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
         DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      byte[] header = in.readNBytes(HEADER.length);
      if (!Arrays.equals(header, HEADER)) {
        int match = 0;
        while (match < header.length && header[match] == HEADER[match]) {
          match++;
        }
        if (header.length < HEADER.length && allZero(header, match)) {
          return new Scan(0, true, null); // a header cut short: Ratis treats the file as empty
        }
        return new Scan(0, false, "its header is damaged (expected \"RaftLog1\")");
      }
      long offset = HEADER.length;
      int entries = 0;
      CRC32C crc = new CRC32C();
      byte[] buf = new byte[64 << 10];
      while (true) {
        int first = in.read();
        if (first < 0) {
          return new Scan(entries, false, null);
        }
        if (first == 0) {
          long nonZero = firstNonZero(in);
          return nonZero < 0 ? new Scan(entries, false, null)
              : new Scan(entries, false, "non-zero bytes at offset " + (offset + 1 + nonZero)
                  + " after the end of the log (entry " + (entries + 1) + " of the file is damaged or lost)");
        }
        byte[] varint = new byte[5];
        varint[0] = (byte) first;
        int varintLength = 1;
        long length = first & 0x7f;
        try {
          for (int shift = 7; (varint[varintLength - 1] & 0x80) != 0; shift += 7) {
            if (varintLength == 5) {
              return new Scan(entries, false, "entry " + (entries + 1) + " of the file at offset " + offset
                  + " has a damaged length");
            }
            int b = in.readUnsignedByte();
            varint[varintLength++] = (byte) b;
            length |= (long) (b & 0x7f) << shift;
          }
          if (length > maxEntryBytes) {
            return new Scan(entries, false, "entry " + (entries + 1) + " of the file at offset " + offset
                + " claims " + length + " bytes, more than the largest entry (" + maxEntryBytes + "): its length is damaged");
          }
          if (buf.length < length) {
            buf = new byte[(int) length];
          }
          in.readFully(buf, 0, (int) length);
          int stored = in.readInt();
          crc.reset();
          crc.update(varint, 0, varintLength);
          crc.update(buf, 0, (int) length);
          if ((int) crc.getValue() != stored) {
            return new Scan(entries, false, "entry " + (entries + 1) + " of the file at offset " + offset
                + " fails its CRC32C checksum");
          }
        } catch (EOFException e) {
          return new Scan(entries, true, null); // an incomplete last entry
        }
        entries++;
        offset += varintLength + length + 4;
      }
    }
  }

  private static boolean allZero(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The position (from the current one) of the first non-zero byte, or -1 if the rest is zeros. */
  private static long firstNonZero(InputStream in) throws IOException {
    byte[] b = new byte[64 << 10];
    long pos = 0;
    for (int n; (n = in.read(b)) > 0; pos += n) {
      for (int i = 0; i < n; i++) {
        if (b[i] != 0) {
          return pos + i;
        }
      }
    }
    return -1;
  }
}
