package io.ckpt.harness.bench.ratis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.statemachine.StateMachine.DataChannel;

/**
 * One stream's bytes on one node: a new file written as packets arrive and forced when the
 * client asks (Ratis calls {@link #force} for a packet sent with {@code SYNC}). Ratis writes to
 * a stream from one thread at a time, in order; the fields are volatile because successive
 * packets may come on different threads. Once linked to its log entry, or cleaned up after a
 * failure, the file is deleted: the baseline keeps nothing.
 */
final class StreamFile implements DataChannel {
  private final Path file;
  private final FileChannel channel;
  private volatile long written;
  private volatile long forced;

  private StreamFile(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Creates {@code file}, which must not exist. */
  static StreamFile create(Path file) throws IOException {
    return new StreamFile(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = 0;
    while (src.hasRemaining()) {
      n += channel.write(src);
    }
    written += n;
    return n;
  }

  @Override
  public void force(boolean metadata) throws IOException {
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

  /** After a failed or abandoned stream: closes and deletes the file. */
  void discard() throws IOException {
    delete();
  }

  /**
   * When linked: closes the file, measures it, deletes it.
   *
   * @return the file's size on disk and how much of it was forced
   */
  Linked finish() throws IOException {
    channel.close();
    long size = Files.size(file);
    long f = forced;
    delete();
    return new Linked(size, f);
  }

  private void delete() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public String toString() {
    return "StreamFile[" + file.getFileName() + ", " + written + " bytes written, " + forced + " forced]";
  }

  /** What a linked stream left on disk: its size, and the bytes forced before it was linked. */
  record Linked(long size, long forced) {}
}
