package io.ckpt.statemachine.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32C;
import org.apache.ratis.statemachine.StateMachine.DataChannel;

/**
 * One stream's bytes on one node, written to a new file as packets arrive: at most
 * {@code maxBytes} of them (a stream that sends more fails), with the CRC32C of every chunk of
 * {@code chunkBytes} computed on the way, and forced when a packet asks ({@code SYNC}). Ratis
 * writes one packet at a time, in order, possibly from different threads: the fields are guarded
 * by this object's lock.
 *
 * <p>Write-behind: every {@code writeBehindBytes} written, the file is forced in the background
 * (one force at a time, on the node's write-behind thread), so the disk writes the stream while
 * it arrives and the force of the last packet waits only for what came after the last one
 * (measured: a 64 MiB stream's closing force took ~115 ms of its ~300 ms). It changes nothing
 * about what counts as forced: only a {@link #force} does.
 */
final class StreamFile implements DataChannel {
  private final Path file;
  private final FileChannel channel;
  private final int chunkBytes;
  private final long maxBytes;
  private final List<Integer> chunkCrcs = new ArrayList<>();
  private final CRC32C current = new CRC32C();
  private final StreamFiles.Space space;
  private final Executor writeBehind;
  private final long writeBehindBytes;
  private long written;
  private long forced;
  /** {@link #written} when the last background force started. */
  private long writeBehindFrom;
  private boolean writeBehindRunning;

  private StreamFile(Path file, FileChannel channel, int chunkBytes, long maxBytes, StreamFiles.Space space,
      Executor writeBehind, long writeBehindBytes) {
    this.file = file;
    this.space = space;
    this.channel = channel;
    this.chunkBytes = chunkBytes;
    this.maxBytes = maxBytes;
    this.writeBehind = writeBehind;
    this.writeBehindBytes = writeBehindBytes;
  }

  /**
   * Creates {@code file}, replacing a leftover of the same name.
   *
   * @param space asked before every write
   * @param writeBehind runs the background forces
   * @param writeBehindBytes bytes written between background forces; 0: none
   */
  static StreamFile create(Path file, int chunkBytes, long maxBytes, StreamFiles.Space space, Executor writeBehind,
      long writeBehindBytes) throws IOException {
    return new StreamFile(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE), chunkBytes, maxBytes, space, writeBehind, writeBehindBytes);
  }

  Path path() {
    return file;
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    if (written + src.remaining() > maxBytes) {
      throw new IOException("stream " + file.getFileName() + " exceeds its limit of " + maxBytes + " bytes");
    }
    space.claim(src.remaining());
    ByteBuffer crcView = src.duplicate();
    int n = 0;
    while (src.hasRemaining()) {
      n += channel.write(src);
    }
    checksum(crcView);
    written += n;
    startWriteBehind();
    return n;
  }

  private void startWriteBehind() {
    if (writeBehindBytes <= 0 || writeBehindRunning || written - writeBehindFrom < writeBehindBytes) {
      return;
    }
    writeBehindRunning = true;
    writeBehindFrom = written;
    try {
      writeBehind.execute(this::forceBehind);
    } catch (RejectedExecutionException e) {
      writeBehindRunning = false; // the node is closing
    }
  }

  private void forceBehind() {
    try {
      channel.force(false);
    } catch (IOException e) {
      // Closed or failing: a stream that asks for a force finds out then.
    } finally {
      synchronized (this) {
        writeBehindRunning = false;
      }
    }
  }

  /** Feeds the bytes to the running chunk CRC, closing a chunk at every chunk boundary. */
  private void checksum(ByteBuffer b) {
    long pos = written;
    while (b.hasRemaining()) {
      int inChunk = (int) (pos % chunkBytes);
      int take = Math.min(b.remaining(), chunkBytes - inChunk);
      ByteBuffer part = b.slice(b.position(), take);
      current.update(part);
      b.position(b.position() + take);
      pos += take;
      if (pos % chunkBytes == 0) {
        chunkCrcs.add((int) current.getValue());
        current.reset();
      }
    }
  }

  @Override
  public synchronized void force(boolean metadata) throws IOException {
    channel.force(metadata);
    forced = written;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** What this node received: its size, chunk CRCs, and whether every byte was forced. */
  synchronized ReceivedBytes received() {
    List<Integer> crcs = new ArrayList<>(chunkCrcs);
    if (written % chunkBytes != 0) {
      crcs.add((int) current.getValue());
    }
    return new ReceivedBytes(written, crcs, forced == written);
  }

  /** Closes and deletes the file (a failed or abandoned stream). */
  void discard() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public synchronized String toString() {
    return "StreamFile[" + file.getFileName() + ", " + written + " bytes, " + forced + " forced]";
  }

}
