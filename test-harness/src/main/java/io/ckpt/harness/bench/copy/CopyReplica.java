package io.ckpt.harness.bench.copy;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One replica of the copy baseline: accepts connections on a loopback port; for every message
 * ({@code long length} then the bytes) it writes the bytes to its file, forces them to disk and
 * answers one byte. The file is reused from the start once it passes {@link #WRAP_BYTES}, so a
 * long run does not fill the disk.
 */
final class CopyReplica implements Closeable {
  static final long WRAP_BYTES = 1L << 30;
  private final ServerSocket server;
  private final FileChannel file;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private long position;

  CopyReplica(Path dir) throws IOException {
    Files.createDirectories(dir);
    file = FileChannel.open(dir.resolve("replica.data"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "copy-replica-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Whether this replica stopped listening (its port may then belong to someone else). */
  boolean closed() {
    return server.isClosed();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "copy-replica-" + port());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    byte[] heap = new byte[1 << 20];
    try (s; DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16))) {
      while (true) {
        long remaining = in.readLong();
        long at = reserve(remaining);
        while (remaining > 0) {
          int n = in.read(heap, 0, (int) Math.min(heap.length, remaining));
          if (n < 0) {
            return;
          }
          buffer.clear();
          buffer.put(heap, 0, n).flip();
          while (buffer.hasRemaining()) {
            at += file.write(buffer, at);
          }
          remaining -= n;
        }
        file.force(false);
        s.getOutputStream().write(1);
      }
    } catch (java.io.EOFException e) {
      // The sender closed the connection.
    } catch (IOException e) {
      if (!server.isClosed()) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Where the next message of {@code length} bytes goes. */
  private synchronized long reserve(long length) {
    if (position + length > WRAP_BYTES) {
      position = 0;
    }
    long at = position;
    position += length;
    return at;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
    file.close();
  }
}
