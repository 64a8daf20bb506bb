package io.ckpt.harness.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Random;

/**
 * One proxied connection: the accepted client channel, the channel to the target (opened once
 * the link is not blocked) and a {@link Pipe} per byte direction. Non-blocking; used only by the
 * thread of its {@link LinkProxy}.
 */
final class Connection {
  private static final int READS_PER_ROUND = 8;

  private final Counters counters;
  private final SocketChannel client;
  private final SelectionKey clientKey;
  private SocketChannel target;
  private SelectionKey targetKey;
  private boolean targetConnected;
  private final Pipe up; // client -> target
  private final Pipe down; // target -> client
  private boolean upStalled; // last write to the target took nothing: wait for OP_WRITE
  private boolean downStalled;
  private int readyClient;
  private int readyTarget;

  Connection(SocketChannel client, Selector selector, int holdLimit, Counters counters)
      throws IOException {
    this.counters = counters;
    this.client = client;
    this.up = new Pipe(holdLimit);
    this.down = new Pipe(holdLimit);
    client.configureBlocking(false);
    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.clientKey = client.register(selector, SelectionKey.OP_READ, this);
  }

  boolean targetOpened() {
    return target != null;
  }

  /** Starts the non-blocking connect to the target; throws if it is refused at once. */
  void connect(Selector selector, InetSocketAddress address) throws IOException {
    target = SocketChannel.open();
    target.configureBlocking(false);
    target.setOption(StandardSocketOptions.TCP_NODELAY, true);
    targetConnected = target.connect(address);
    targetKey = target.register(selector, targetConnected ? 0 : SelectionKey.OP_CONNECT, this);
  }

  /** Records what the selector reported for one of this connection's keys. */
  void ready(SelectionKey key) throws IOException {
    if (key == targetKey) {
      if (key.isConnectable() && target.finishConnect()) {
        targetConnected = true;
      }
      readyTarget |= key.readyOps();
    } else {
      readyClient |= key.readyOps();
    }
  }

  /**
   * Reads what is ready, writes what {@code mode} lets through, and sets the interest ops.
   * Lowers {@code nextDue[0]} to when a delayed chunk becomes due. Returns false once both
   * directions have ended (the connection is then closed).
   */
  boolean service(LinkMode mode, long now, Random random, long[] nextDue) throws IOException {
    if ((readyClient & SelectionKey.OP_READ) != 0) {
      readSome(up, client, mode, now, random);
    }
    if (targetConnected && (readyTarget & SelectionKey.OP_READ) != 0) {
      readSome(down, target, mode, now, random);
    }
    if (targetConnected) {
      upStalled = flush(up, target, upStalled, readyTarget, mode, now, nextDue, true);
      downStalled = flush(down, client, downStalled, readyClient, mode, now, nextDue, false);
    }
    readyClient = 0;
    readyTarget = 0;
    if (up.eofForwarded() && down.eofForwarded()) {
      close();
      return false;
    }
    setInterest(clientKey, (up.canRead(mode) ? SelectionKey.OP_READ : 0)
        | (downStalled ? SelectionKey.OP_WRITE : 0));
    if (targetKey != null && targetConnected) {
      setInterest(targetKey, (down.canRead(mode) ? SelectionKey.OP_READ : 0)
          | (upStalled ? SelectionKey.OP_WRITE : 0));
    }
    return true;
  }

  private void readSome(Pipe pipe, SocketChannel src, LinkMode mode, long now, Random random)
      throws IOException {
    for (int i = 0; i < READS_PER_ROUND && pipe.canRead(mode); i++) {
      double jitter = mode.jitterMs() > 0 ? random.nextDouble() : 0;
      int n = pipe.read(src, mode, now, jitter);
      if (n <= 0) {
        return;
      }
      counters.held.addAndGet(n);
    }
  }

  /** Writes the due bytes; returns whether the destination stalled (its send buffer is full). */
  private boolean flush(Pipe pipe, SocketChannel dst, boolean stalled, int dstReady,
      LinkMode mode, long now, long[] nextDue, boolean toTarget) throws IOException {
    if (stalled && (dstReady & SelectionKey.OP_WRITE) == 0) {
      return true;
    }
    long end = pipe.writableEnd(mode, now, nextDue);
    while (pipe.out() < end) {
      int n = pipe.write(dst, end);
      if (n == 0) {
        return true;
      }
      counters.held.addAndGet(-n);
      (toTarget ? counters.toTarget : counters.fromTarget).addAndGet(n);
    }
    if (pipe.eofDue(mode, now, nextDue)) {
      dst.shutdownOutput();
      pipe.eofForwarded(true);
    }
    return false;
  }

  private static void setInterest(SelectionKey key, int ops) {
    if (key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** Closes both sides normally (FIN). */
  void close() {
    discardHeld();
    closeQuietly(client);
    closeQuietly(target);
  }

  /** Aborts both sides: SO_LINGER 0, so the peers get a RST. */
  void abort() {
    discardHeld();
    for (SocketChannel ch : new SocketChannel[] {client, target}) {
      if (ch != null) {
        try {
          ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
          // already closed
        }
        closeQuietly(ch);
      }
    }
  }

  private void discardHeld() {
    counters.held.addAndGet(-(up.held() + down.held()));
    up.discard();
    down.discard();
  }

  static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }
}
