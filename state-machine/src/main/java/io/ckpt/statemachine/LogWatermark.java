package io.ckpt.statemachine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest Raft log index this node knows it has written durably, kept in a small file
 * beside the log so that a restart can tell whether the log lost entries it had acknowledged.
 *
 * <p>Raft assumes a node never forgets an entry it acknowledged: it may have been part of the
 * majority that committed it. Ratis checks each log entry's CRC32C, but a log that lost its
 * last entries whole (a truncated file) reads as a shorter, valid log. Ratis tells the state
 * machine before each log flush ({@code DataApi.flush(index)}, then it forces the log); when
 * the next flush starts, the previous one has completed, so its index is recorded here. On a
 * clean stop the log's flush index is recorded. Before Ratis truncates the log (a new leader
 * overwriting uncommitted entries) the watermark is lowered and forced first, so a legitimate
 * truncation never looks like a loss. The watermark is a lower bound: after a crash it may
 * lag the log, never lead it (it is written after the log was forced). While the log flushes,
 * it is written at most once per {@link #WRITE_INTERVAL_NANOS}: a write per flush was a syscall
 * and an inode update on the log worker's path before every fsync (~6-9 us of CPU per lone put
 * on each node, in a profile at one client), so it lags by that interval plus one flush at most.
 *
 * <p>Format: 8 bytes index, 4 bytes CRC32C of them, 4 bytes magic {@code CKWM}.
 */
public final class LogWatermark implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogWatermark.class);
  public static final String FILE_NAME = "log-watermark";
  private static final int MAGIC = 0x434b574d;
  private static final int SIZE = 16;
  /** How often, at most, flushes are recorded while the log flushes. */
  static final long WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Path file;
  private final FileChannel channel;
  private final LongSupplier nanoClock;
  private long recorded;
  /** The index given to the last flush call: durable once the next flush call arrives. */
  private long pending = -1;
  /** When a flush was last recorded ({@link #nanoClock}). */
  private long recordedAtNanos;
  private boolean warned;

  private LogWatermark(Path file, FileChannel channel, long recorded, LongSupplier nanoClock) {
    this.file = file;
    this.channel = channel;
    this.recorded = recorded;
    this.nanoClock = nanoClock;
    this.recordedAtNanos = nanoClock.getAsLong();
  }

  /** The watermark recorded in {@code file}; empty if there is none or it is unreadable. */
  public static OptionalLong read(Path file) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    if (b.length != SIZE) {
      LOG.warn("{} has {} bytes, not {}: ignoring it", file, b.length, SIZE);
      return OptionalLong.empty();
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    long index = buf.getLong();
    int crc = buf.getInt();
    int magic = buf.getInt();
    if (magic != MAGIC || crc != crcOf(index)) {
      LOG.warn("{} is damaged: ignoring it", file);
      return OptionalLong.empty();
    }
    return OptionalLong.of(index);
  }

  /** Opens (creating if needed) the watermark file. */
  public static LogWatermark open(Path file) throws IOException {
    return open(file, System::nanoTime);
  }

  /** As {@link #open(Path)}, timing the flushes it records by {@code nanoClock} (tests). */
  static LogWatermark open(Path file, LongSupplier nanoClock) throws IOException {
    long current = read(file).orElse(-1);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    LogWatermark w = new LogWatermark(file, ch, current, nanoClock);
    if (current < 0) {
      w.write(-1, true);
    }
    return w;
  }

  /**
   * Called before the log flushes entries up to {@code index}: the flush before it is durable,
   * and is recorded if none was for {@link #WRITE_INTERVAL_NANOS}.
   */
  public synchronized void flushing(long index) {
    if (pending > recorded) {
      long now = nanoClock.getAsLong();
      if (now - recordedAtNanos >= WRITE_INTERVAL_NANOS && write(pending, false)) {
        recordedAtNanos = now;
      }
    }
    pending = index;
  }

  /** Called before the log drops its entries from {@code index} on: lowers the watermark first. */
  public synchronized void truncating(long index) {
    long keep = index - 1;
    pending = Math.min(pending, keep);
    if (recorded > keep && !write(keep, true)) {
      // A watermark above the truncated log would later look like lost entries: drop it instead.
      try {
        Files.deleteIfExists(file);
        recorded = -1;
      } catch (IOException e) {
        LOG.error("cannot lower or delete {} before a log truncation to {}: delete it before restarting", file, keep);
      }
    }
  }

  /** Records that the log holds entries up to {@code index} durably (e.g. its flush index on stop). */
  public synchronized void flushed(long index) {
    if (index > recorded) {
      write(index, true);
    }
  }

  public synchronized long recorded() {
    return recorded;
  }

  private boolean write(long index, boolean force) {
    ByteBuffer buf = ByteBuffer.allocate(SIZE).putLong(index).putInt(crcOf(index)).putInt(MAGIC).flip();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf, buf.position());
      }
      if (force) {
        channel.force(false);
      }
      recorded = index;
      return true;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("cannot update {} (the check for a shortened Raft log will be weaker): {}", file, e.toString());
      }
      return false;
    }
  }

  private static int crcOf(long index) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(index).flip());
    return (int) crc.getValue();
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
