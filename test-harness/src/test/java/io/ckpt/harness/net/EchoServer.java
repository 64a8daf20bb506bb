package io.ckpt.harness.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A test target: echoes every byte of every connection back, one thread per connection. */
final class EchoServer implements Closeable {
  private final ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  EchoServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    start("echo-" + server.getLocalPort() + "-accept", this::acceptLoop);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket socket = server.accept();
        sockets.add(socket);
        int n = accepted.incrementAndGet();
        start("echo-" + server.getLocalPort() + "-" + n, () -> echo(socket));
      }
    } catch (IOException closed) {
      // server closed
    }
  }

  private void echo(Socket socket) {
    byte[] buffer = new byte[64 * 1024];
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      socket.shutdownOutput();
    } catch (IOException ignored) {
      // peer reset or server closed
    } finally {
      sockets.remove(socket);
    }
  }

  private void start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    for (Thread thread : threads) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
