package io.ckpt.harness.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy for one directed link: every connection accepted on the listen address is
 * forwarded to the target, both byte directions, under a {@link LinkMode} that can be changed at
 * any time and applies at once to open and new connections.
 *
 * <p>One daemon thread per proxy ({@code proxy-<name>}) runs a selector over the listener and all
 * connections with non-blocking I/O, so a mode change (a volatile write and a selector wakeup)
 * never waits for I/O and takes effect even for a direction whose destination is not reading.
 * Under {@link LinkMode#BLOCK} connections are accepted but the connection to the target is only
 * opened once the link is unblocked; bytes read are held up to a limit per direction, after which
 * reading stops so TCP backpressure reaches the sender; on unblocking they flow in order.
 */
public final class LinkProxy implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkProxy.class);

  /** Default bound on the bytes held per connection and byte direction while blocked or delayed. */
  public static final int DEFAULT_HOLD_LIMIT = 8 << 20;

  private final String name;
  private final InetSocketAddress listenAddress;
  private final InetSocketAddress target;
  private final int holdLimit;
  private final Random random;
  private final Selector selector;
  private final ServerSocketChannel listener;
  private final Thread thread;
  private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final List<Connection> connections = new ArrayList<>(); // proxy thread only
  private final Counters counters = new Counters();
  private volatile LinkMode mode = LinkMode.PASS;
  private volatile boolean closed;

  private LinkProxy(String name, InetSocketAddress listen, InetSocketAddress target, long seed,
      int holdLimit) throws IOException {
    this.name = name;
    this.target = target;
    this.holdLimit = holdLimit;
    this.random = new Random(seed);
    this.selector = Selector.open();
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open();
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(listen, 128);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_ACCEPT);
      this.listenAddress = (InetSocketAddress) channel.getLocalAddress();
      this.listener = channel;
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      selector.close();
      throw e;
    }
    this.thread = new Thread(this::run, "proxy-" + name);
    thread.setDaemon(true);
  }

  /** Binds {@code listen} (port 0 picks a free port) and starts forwarding to {@code target}. */
  public static LinkProxy start(String name, InetSocketAddress listen, InetSocketAddress target) {
    return start(name, listen, target, name.hashCode(), DEFAULT_HOLD_LIMIT);
  }

  /**
   * As {@link #start(String, InetSocketAddress, InetSocketAddress)}, with the seed of the delay
   * jitter and the most bytes held per connection and direction.
   */
  public static LinkProxy start(String name, InetSocketAddress listen, InetSocketAddress target,
      long seed, int holdLimitBytes) {
    if (holdLimitBytes <= 0) {
      throw new IllegalArgumentException("holdLimitBytes must be positive: " + holdLimitBytes);
    }
    try {
      LinkProxy proxy = new LinkProxy(name, listen, target, seed, holdLimitBytes);
      proxy.thread.start();
      LOG.debug("proxy {} listening on {} for {}", name, proxy.listenAddress, target);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("proxy " + name + " cannot listen on " + listen, e);
    }
  }

  public String name() {
    return name;
  }

  /** The bound address (with the actual port if 0 was asked for). */
  public InetSocketAddress listenAddress() {
    return listenAddress;
  }

  public InetSocketAddress target() {
    return target;
  }

  public LinkMode mode() {
    return mode;
  }

  /** Sets the mode for open and new connections; returns at once. */
  public void setMode(LinkMode newMode) {
    if (newMode == null) {
      throw new IllegalArgumentException("mode is null");
    }
    LinkMode old = mode;
    mode = newMode;
    selector.wakeup();
    if (!old.equals(newMode)) {
      LOG.debug("proxy {}: {} -> {}", name, old, newMode);
    }
  }

  /**
   * Aborts every open connection of this link with a RST to both sides (held bytes are lost);
   * returns how many. Connections accepted afterwards are served normally.
   */
  public int reset() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    commands.add(() -> done.complete(abortAll()));
    selector.wakeup();
    while (true) {
      try {
        return done.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (!thread.isAlive()) {
          return done.getNow(0); // closed: no connections left
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done.getNow(0);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  public LinkStats stats() {
    return new LinkStats(counters.toTarget.get(), counters.fromTarget.get(),
        Math.max(0, counters.held.get()), counters.accepted.get(), counters.open.get(),
        counters.reset.get(), counters.connectFailures.get());
  }

  /** Closes the listener and every connection, and waits for the proxy thread to end. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("proxy {}: thread still running after close", name);
      }
    }
  }

  @Override
  public String toString() {
    return "proxy " + name + " " + listenAddress + " -> " + target + " (" + mode + ")";
  }

  private void run() {
    long[] nextDue = {Long.MAX_VALUE};
    try {
      while (!closed) {
        long now = System.nanoTime();
        long timeoutMs = nextDue[0] == Long.MAX_VALUE ? 0
            : Math.max(1, (nextDue[0] - now + 999_999) / 1_000_000);
        selector.select(timeoutMs);
        runCommands();
        handleSelected();
        nextDue[0] = Long.MAX_VALUE;
        serviceAll(mode, System.nanoTime(), nextDue);
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.error("proxy {} stopped", name, e);
      }
    } finally {
      closed = true;
      for (Connection c : connections) {
        c.abort();
      }
      counters.open.set(0);
      connections.clear();
      for (Closeable c : new Closeable[] {listener, selector}) {
        try {
          c.close();
        } catch (IOException e) {
          LOG.debug("proxy {}: closing", name, e);
        }
      }
      runCommands(); // complete any reset() waiting
      LOG.debug("proxy {} closed", name);
    }
  }

  private void runCommands() {
    Runnable command;
    while ((command = commands.poll()) != null) {
      command.run();
    }
  }

  private void handleSelected() throws IOException {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      if (!key.isValid()) {
        continue;
      }
      if (key.isAcceptable()) {
        acceptAll();
        continue;
      }
      Connection connection = (Connection) key.attachment();
      try {
        connection.ready(key);
      } catch (IOException e) {
        LOG.debug("proxy {}: connect to {} failed: {}", name, target, e.toString());
        counters.connectFailures.incrementAndGet();
        drop(connection);
      }
    }
  }

  private void acceptAll() {
    SocketChannel channel;
    while ((channel = acceptOne()) != null) {
      try {
        connections.add(new Connection(channel, selector, holdLimit, counters));
        counters.accepted.incrementAndGet();
        counters.open.incrementAndGet();
      } catch (IOException e) {
        LOG.debug("proxy {}: accepted connection failed", name, e);
        Connection.closeQuietly(channel);
      }
    }
  }

  private SocketChannel acceptOne() {
    try {
      return listener.accept();
    } catch (IOException e) {
      LOG.warn("proxy {}: accept failed: {}", name, e.toString());
      return null;
    }
  }

  private void serviceAll(LinkMode current, long now, long[] nextDue) {
    Iterator<Connection> it = connections.iterator();
    while (it.hasNext()) {
      Connection connection = it.next();
      try {
        if (!connection.targetOpened() && !current.isBlock()) {
          connectTarget(connection);
        }
        if (!connection.service(current, now, random, nextDue)) {
          it.remove();
          counters.open.decrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("proxy {}: connection aborted: {}", name, e.toString());
        connection.abort();
        it.remove();
        counters.open.decrementAndGet();
      }
    }
  }

  private void connectTarget(Connection connection) throws IOException {
    try {
      connection.connect(selector, target);
    } catch (IOException e) {
      LOG.debug("proxy {}: connect to {} failed: {}", name, target, e.toString());
      counters.connectFailures.incrementAndGet();
      throw e;
    }
  }

  /** Aborts and forgets a connection whose connect to the target failed. */
  private void drop(Connection connection) {
    connection.abort();
    if (connections.remove(connection)) {
      counters.open.decrementAndGet();
    }
  }

  private int abortAll() {
    int n = connections.size();
    for (Connection c : connections) {
      c.abort();
    }
    connections.clear();
    counters.open.addAndGet(-n);
    counters.reset.addAndGet(n);
    if (n > 0) {
      LOG.debug("proxy {}: reset {} connection(s)", name, n);
    }
    return n;
  }
}
