package io.ckpt.harness.example;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The example service's acknowledgement journal, one fsync'd line per event:
 *
 * <pre>
 * PENDING &lt;seq&gt; &lt;crc32c&gt;             written before a checkpoint of the state at seq is sent
 * ACK &lt;seq&gt; &lt;crc32c&gt; &lt;version&gt;       written after it committed: every update &lt;= seq is acknowledged
 * ACK &lt;seq&gt; &lt;crc32c&gt; &lt;version&gt; RECOVERED   the state this process took over (committed, now owned)
 * </pre>
 *
 * A line without its newline (the process died while writing it) is not part of the journal.
 */
public final class AckJournal implements Closeable {
  private final FileChannel channel;

  private AckJournal(FileChannel channel) {
    this.channel = channel;
  }

  public static AckJournal open(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      return new AckJournal(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void pending(long seq, int crc) {
    append("PENDING " + seq + " " + KvState.hex(crc));
  }

  public void ack(long seq, int crc, long version) {
    append("ACK " + seq + " " + KvState.hex(crc) + " " + version);
  }

  public void recovered(long seq, int crc, long version) {
    append("ACK " + seq + " " + KvState.hex(crc) + " " + version + " RECOVERED");
  }

  private void append(String line) {
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("ack journal write failed", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** One journal line. {@code version} is -1 on PENDING lines. */
  public record Entry(String kind, long seq, int crc, long version, boolean recovered) {
    public boolean isAck() {
      return kind.equals("ACK");
    }

    public String crcHex() {
      return KvState.hex(crc);
    }

    @Override
    public String toString() {
      return kind + " seq=" + seq + " crc=" + crcHex() + (isAck() ? " version=" + version : "")
          + (recovered ? " (recovered)" : "");
    }
  }

  /** The complete lines of a journal (a torn last line is dropped); empty when there is no file. */
  public static List<Entry> read(Path file) {
    String text;
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = text.lastIndexOf('\n');
    List<Entry> out = new ArrayList<>();
    if (end < 0) {
      return out;
    }
    for (String line : text.substring(0, end).split("\n")) {
      String[] f = line.trim().split(" ");
      switch (f[0]) {
        case "PENDING" -> out.add(new Entry("PENDING", Long.parseLong(f[1]), Integer.parseUnsignedInt(f[2], 16), -1, false));
        case "ACK" -> out.add(new Entry("ACK", Long.parseLong(f[1]), Integer.parseUnsignedInt(f[2], 16),
            Long.parseLong(f[3]), f.length > 4 && f[4].equals("RECOVERED")));
        default -> throw new IllegalStateException("bad ack journal line in " + file + ": " + line);
      }
    }
    return out;
  }

  /**
   * What a successor may recover after this journal's writer died: its last acknowledgement, and
   * the checkpoint it had sent after that (which may or may not have committed).
   */
  public record Acknowledged(Optional<Entry> lastAck, Optional<Entry> pendingAfter) {
    /** Whether a recovered (seq, crc) is one of the two allowed states. */
    public boolean allows(long seq, int crc) {
      return lastAck.map(a -> a.seq() == seq && a.crc() == crc).orElse(false)
          || pendingAfter.map(p -> p.seq() == seq && p.crc() == crc).orElse(false);
    }

    @Override
    public String toString() {
      return "last ack: " + lastAck.map(Entry::toString).orElse("none") + ", pending after it: "
          + pendingAfter.map(Entry::toString).orElse("none");
    }
  }

  public static Acknowledged acknowledged(List<Entry> entries) {
    Optional<Entry> lastAck = Optional.empty();
    Optional<Entry> pending = Optional.empty();
    for (Entry e : entries) {
      if (e.isAck()) {
        lastAck = Optional.of(e);
        pending = Optional.empty();
      } else {
        pending = Optional.of(e);
      }
    }
    return new Acknowledged(lastAck, pending);
  }
}
