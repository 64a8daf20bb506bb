package io.ckpt.harness.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Client-side helpers for the proxy tests. */
final class Sockets {
  /** How long a read waits to conclude that nothing arrives (a lower bound on blocking). */
  static final int QUIET_MS = 300;
  /** A liveness bound so that a broken test fails instead of hanging. */
  private static final int LIVENESS_MS = 60_000;

  private Sockets() {}

  static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, LIVENESS_MS);
    socket.setSoTimeout(LIVENESS_MS);
    return socket;
  }

  static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  static String receive(Socket socket, int length) throws IOException {
    return new String(readFully(socket.getInputStream(), length), StandardCharsets.UTF_8);
  }

  static String roundTrip(Socket socket, String text) throws IOException {
    send(socket, text);
    return receive(socket, text.getBytes(StandardCharsets.UTF_8).length);
  }

  static byte[] readFully(InputStream in, int length) throws IOException {
    byte[] data = new byte[length];
    int done = 0;
    while (done < length) {
      int n = in.read(data, done, length - done);
      if (n < 0) {
        throw new IOException("EOF after " + done + " of " + length + " bytes");
      }
      done += n;
    }
    return data;
  }

  /** Asserts that nothing arrives within {@link #QUIET_MS}. */
  static void assertNothingArrives(Socket socket) throws IOException {
    socket.setSoTimeout(QUIET_MS);
    try {
      assertThatThrownBy(() -> socket.getInputStream().read())
          .as("a read on a blocked link times out with nothing received")
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      socket.setSoTimeout(LIVENESS_MS);
    }
  }

  /** Reads until the connection breaks; returns "EOF" or the exception's class name. */
  static String readUntilBroken(Socket socket) {
    byte[] buffer = new byte[1024];
    try {
      while (socket.getInputStream().read(buffer) >= 0) {
        // drain
      }
      return "EOF";
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  static void assertSameBytes(byte[] actual, byte[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    assertThat(Arrays.equals(actual, expected)).as("bytes intact and in order").isTrue();
  }
}
