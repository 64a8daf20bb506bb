package io.ckpt.harness.net;

import static io.ckpt.harness.net.Sockets.assertNothingArrives;
import static io.ckpt.harness.net.Sockets.connect;
import static io.ckpt.harness.net.Sockets.readUntilBroken;
import static io.ckpt.harness.net.Sockets.receive;
import static io.ckpt.harness.net.Sockets.roundTrip;
import static io.ckpt.harness.net.Sockets.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinkProxyTest {
  private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.1.2", 0);

  private EchoServer echo;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startEcho() throws IOException {
    echo = new EchoServer();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    echo.close();
  }

  private LinkProxy proxy(String name) {
    return proxy(name, LinkProxy.DEFAULT_HOLD_LIMIT);
  }

  private LinkProxy proxy(String name, int holdLimit) {
    LinkProxy proxy = LinkProxy.start(name, LISTEN, echo.address(), 42, holdLimit);
    closeables.add(proxy);
    return proxy;
  }

  private Socket client(LinkProxy proxy) throws IOException {
    Socket socket = connect(proxy.listenAddress());
    closeables.add(socket);
    return socket;
  }

  @Test
  void passForwardsAnEchoAndSixtyFourMibBothWaysAtOnce() throws Exception {
    LinkProxy proxy = proxy("pass");
    assertThat(proxy.listenAddress().getAddress().getHostAddress()).isEqualTo("127.0.1.2");
    Socket socket = client(proxy);
    assertThat(roundTrip(socket, "hello")).isEqualTo("hello");

    int total = 64 << 20;
    CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        Random random = new Random(7);
        byte[] block = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        for (int done = 0; done < total; done += block.length) {
          random.nextBytes(block);
          crc.update(block);
          out.write(block);
        }
        return crc.getValue();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    CRC32 received = new CRC32();
    byte[] buffer = new byte[100_000];
    long count = 0;
    while (count < total) {
      int n = socket.getInputStream().read(buffer, 0, (int) Math.min(buffer.length, total - count));
      assertThat(n).as("no EOF before all bytes came back").isPositive();
      received.update(buffer, 0, n);
      count += n;
    }
    assertThat(received.getValue()).isEqualTo(sent.get(60, TimeUnit.SECONDS));
    await().untilAsserted(() -> { // counted just after each write, so possibly after the read
      LinkStats stats = proxy.stats();
      assertThat(stats.bytesToTarget()).isEqualTo(total + 5L);
      assertThat(stats.bytesFromTarget()).isEqualTo(total + 5L);
      assertThat(stats.heldBytes()).isZero();
      assertThat(stats.connectionsAccepted()).isEqualTo(1);
      assertThat(stats.connectionsOpen()).isEqualTo(1);
    });
  }

  @Test
  void delayHoldsEachChunkAtLeastTheDelayAndKeepsOrder() throws Exception {
    LinkProxy proxy = proxy("delay");
    Socket socket = client(proxy);
    assertThat(roundTrip(socket, "warm")).isEqualTo("warm");
    proxy.setMode(LinkMode.delay(200, 50));

    long start = System.nanoTime();
    assertThat(roundTrip(socket, "ping")).isEqualTo("ping");
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(elapsedMs).as("delayed once each way").isGreaterThanOrEqualTo(400);

    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 200; i++) { // many small chunks, each with its own jitter
      String message = "<" + i + ">";
      send(socket, message);
      expected.append(message);
    }
    assertThat(receive(socket, expected.length())).isEqualTo(expected.toString());
  }

  @Test
  void returningToPassReleasesDelayedBytesAtOnce() throws Exception {
    LinkProxy proxy = proxy("undelay");
    Socket socket = client(proxy);
    assertThat(roundTrip(socket, "warm")).isEqualTo("warm");
    proxy.setMode(LinkMode.delay(TimeUnit.HOURS.toMillis(1), 0));
    send(socket, "late");
    await().until(() -> proxy.stats().heldBytes() == 4);
    proxy.setMode(LinkMode.PASS);
    assertThat(receive(socket, 4)).isEqualTo("late");
  }

  @Test
  void blockHoldsBytesAndReleasesThemInOrderOnPass() throws Exception {
    LinkProxy proxy = proxy("block");
    Socket first = client(proxy);
    assertThat(roundTrip(first, "before")).isEqualTo("before");

    proxy.setMode(LinkMode.BLOCK);
    byte[] payload = new byte[1 << 20];
    new Random(3).nextBytes(payload);
    send(first, "held-");
    first.getOutputStream().write(payload);
    await().until(() -> proxy.stats().heldBytes() == 5 + payload.length);
    assertNothingArrives(first);

    Socket second = client(proxy); // accepted while blocked, not yet connected to the target
    send(second, "second");
    await().until(() -> proxy.stats().connectionsAccepted() == 2);
    await().until(() -> proxy.stats().heldBytes() == 5 + payload.length + 6);
    assertNothingArrives(second);
    assertThat(echo.accepted()).as("no connection reaches the target through a partition").isEqualTo(1);

    proxy.setMode(LinkMode.PASS);
    assertThat(receive(first, 5)).isEqualTo("held-");
    Sockets.assertSameBytes(Sockets.readFully(first.getInputStream(), payload.length), payload);
    assertThat(receive(second, 6)).isEqualTo("second");
    assertThat(roundTrip(second, "after")).isEqualTo("after");
    assertThat(echo.accepted()).isEqualTo(2);
  }

  @Test
  void blockStopsReadingAtTheHoldLimitThenDeliversEverything() throws Exception {
    int limit = 256 * 1024;
    LinkProxy proxy = proxy("limit", limit);
    Socket socket = client(proxy);
    assertThat(roundTrip(socket, "x")).isEqualTo("x");
    proxy.setMode(LinkMode.BLOCK);

    byte[] payload = new byte[32 << 20];
    new Random(5).nextBytes(payload);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        socket.getOutputStream().write(payload);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    await().until(() -> proxy.stats().heldBytes() == limit);
    assertNothingArrives(socket);
    assertThat(proxy.stats().heldBytes()).as("reading stopped at the limit").isEqualTo(limit);

    proxy.setMode(LinkMode.PASS);
    Sockets.assertSameBytes(Sockets.readFully(socket.getInputStream(), payload.length), payload);
    writer.get(60, TimeUnit.SECONDS);
  }

  @Test
  void resetAbortsOpenConnectionsAndLaterOnesWork() throws Exception {
    LinkProxy proxy = proxy("reset");
    Socket a = client(proxy);
    Socket b = client(proxy);
    assertThat(roundTrip(a, "a")).isEqualTo("a");
    assertThat(roundTrip(b, "b")).isEqualTo("b");

    assertThat(proxy.reset()).isEqualTo(2);
    assertThat(readUntilBroken(a)).isEqualTo("SocketException: Connection reset");
    assertThat(readUntilBroken(b)).isEqualTo("SocketException: Connection reset");
    assertThat(proxy.stats().connectionsReset()).isEqualTo(2);
    assertThat(proxy.stats().connectionsOpen()).isZero();

    Socket c = client(proxy);
    assertThat(roundTrip(c, "again")).isEqualTo("again");
  }

  @Test
  void aTargetThatRefusesGetsTheClientReset() throws Exception {
    int deadPort;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = probe.getLocalPort();
    }
    LinkProxy proxy = LinkProxy.start("refused", LISTEN,
        new InetSocketAddress("127.0.0.1", deadPort));
    closeables.add(proxy);
    String outcome; // the RST can arrive before the client's connect call returns
    try {
      outcome = readUntilBroken(client(proxy));
    } catch (IOException e) {
      outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    assertThat(outcome).startsWith("SocketException: Connection reset");
    assertThat(proxy.stats().connectFailures()).isEqualTo(1);
    assertThat(proxy.stats().connectionsOpen()).isZero();
  }

  @Test
  void closeEndsConnectionsAndLeavesNoProxyThread() throws Exception {
    LinkProxy proxy = LinkProxy.start("closing", LISTEN, echo.address());
    Socket socket = client(proxy);
    assertThat(roundTrip(socket, "hi")).isEqualTo("hi");
    proxy.setMode(LinkMode.BLOCK);
    Socket blocked = client(proxy);
    send(blocked, "held");
    await().until(() -> proxy.stats().heldBytes() == 4);

    proxy.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("proxy-closing")));
    assertThat(readUntilBroken(socket)).isEqualTo("SocketException: Connection reset");
    assertThat(readUntilBroken(blocked)).isEqualTo("SocketException: Connection reset");
    proxy.setMode(LinkMode.PASS); // harmless after close
    assertThat(proxy.reset()).isZero();
    try (ServerSocket again = new ServerSocket()) {
      again.bind(proxy.listenAddress()); // the listen address is free again
    }
  }
}
