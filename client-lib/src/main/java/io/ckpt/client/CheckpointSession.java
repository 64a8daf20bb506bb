package io.ckpt.client;

import io.ckpt.client.local.LocalStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stateful service embeds to fail over with guaranteed state. One session owns (or
 * waits to own) one segment:
 *
 * <pre>{@code
 * CheckpointSession session = CheckpointSession.builder(client, "orders/book", localStore).build();
 * session.standby();                       // optional: keep the local copy current meanwhile
 * TakeOver t = session.takeOver();         // fence the old owner, load the latest version
 * byte[] state = localStore.read("orders/book");
 * session.checkpoint(newState);            // written with this session's epoch
 * }</pre>
 *
 * After {@link #takeOver()}, the session renews its lease in the background. If another owner
 * takes over, every later {@link #checkpoint} fails with {@link FencedException} and nothing
 * the old owner writes reaches the store.
 */
public final class CheckpointSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSession.class);
  private final CheckpointClient client;
  private final String name;
  private final String owner;
  private final Duration ttl;
  private final LocalStore store;
  private final Runnable onFenced;
  private final ScheduledExecutorService background;
  private volatile Lease lease;
  private volatile boolean fenced;
  private volatile boolean standingBy;
  private java.util.concurrent.Future<?> standbyTask;
  private java.util.concurrent.CountDownLatch standbyStopped;
  private java.util.concurrent.ScheduledFuture<?> renewTask;
  private long lastVersion;

  private CheckpointSession(Builder b) {
    this.client = b.client;
    this.name = b.name;
    this.owner = b.owner;
    this.ttl = b.ttl;
    this.store = b.store;
    this.onFenced = b.onFenced;
    this.background = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "ckpt-session-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  public static Builder builder(CheckpointClient client, String name, LocalStore store) {
    return new Builder(client, name, store);
  }

  public String owner() {
    return owner;
  }

  /** The current lease, empty before {@link #takeOver()}. */
  public Optional<Lease> lease() {
    return Optional.ofNullable(lease);
  }

  /** Whether another owner took over (every checkpoint now fails). */
  public boolean isFenced() {
    return fenced;
  }

  /**
   * Keeps the local store current in the background by watching the segment, so that a later
   * {@link #takeOver()} needs no bulk transfer.
   */
  public synchronized void standby() {
    if (standingBy || lease != null) {
      return;
    }
    standingBy = true;
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    standbyStopped = stopped;
    standbyTask = background.submit(() -> {
      try {
        followUpdates();
      } finally {
        stopped.countDown();
      }
    });
  }

  private void followUpdates() {
    long from = store.info(name).map(SegmentInfo::version).orElse(0L);
    Watch watch = client.watch(name, from);
    while (standingBy && !Thread.currentThread().isInterrupted()) {
      try {
        Optional<WatchEvent> e = watch.next(Duration.ofSeconds(1));
        if (e.isPresent()) {
          long seen = e.get().version().map(SegmentInfo::version).orElse(e.get().missedTo());
          long have = store.info(name).map(SegmentInfo::version).orElse(0L);
          if (standingBy && seen > have) {
            client.load(name, store);
          }
        }
      } catch (CheckpointException ex) {
        LOG.debug("standby for {}: {}", name, ex.toString());
      }
    }
  }

  /**
   * Becomes the owner (fencing whoever owned the segment), then makes sure the local store holds
   * the latest committed version: from the standby copy when it is current, otherwise loaded.
   */
  public synchronized TakeOver takeOver() {
    long start = System.nanoTime();
    stopStandby();
    Lease l = client.acquire(name, owner, ttl, true);
    lease = l;
    fenced = false;
    SegmentDescription d = client.describe(name);
    Optional<SegmentInfo> latest = d.latest();
    boolean fromStandby = false;
    Optional<SegmentInfo> state = Optional.empty();
    if (latest.isPresent()) {
      Optional<SegmentInfo> local = store.info(name);
      fromStandby = local.isPresent() && local.get().version() == latest.get().version()
          && local.get().crc32c() == latest.get().crc32c();
      state = Optional.of(fromStandby ? local.get() : client.load(name, store));
    }
    lastVersion = state.map(SegmentInfo::version).orElse(0L);
    long period = Math.max(50, ttl.toMillis() / 3);
    if (renewTask != null) {
      renewTask.cancel(false);
    }
    renewTask = background.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    return new TakeOver(l, state, fromStandby, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Stops the standby loop at once, interrupting a watch or a load in progress (an interrupted
   * load leaves the local store as it was), and waits until the loop has really ended, so no
   * standby load can land after the takeover looked at the local store.
   */
  private void stopStandby() {
    standingBy = false;
    if (standbyTask == null) {
      return;
    }
    standbyTask.cancel(true);
    try {
      if (!standbyStopped.await(30, TimeUnit.SECONDS)) {
        throw new UnavailableException("takeover of " + name + ": the standby loop did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("takeover of " + name + " interrupted", e);
    }
    standbyTask = null;
  }

  private void renew() {
    Lease l = lease;
    if (l == null || fenced) {
      return;
    }
    try {
      client.renew(l);
    } catch (FencedException e) {
      markFenced();
    } catch (CheckpointException e) {
      LOG.warn("renewing the lease on {} failed (will retry): {}", name, e.getMessage());
    }
  }

  private void markFenced() {
    if (!fenced) {
      fenced = true;
      LOG.warn("{} lost ownership of {}: another owner took over", owner, name);
      onFenced.run();
    }
  }

  /** Writes a checkpoint with this session's epoch; returns once it is committed. */
  public WriteResult checkpoint(byte[] state) {
    Objects.requireNonNull(state, "state");
    return checkpoint(new ByteArrayInputStream(state), state.length);
  }

  /** Streams a checkpoint with this session's epoch; returns once it is committed. */
  public synchronized WriteResult checkpoint(InputStream state, long sizeHint) {
    Lease l = lease;
    if (l == null) {
      throw new InvalidRequestException("checkpoint before takeOver(): this session does not own " + name);
    }
    if (fenced) {
      throw new FencedException(name + ": " + owner + " was fenced by a newer owner", -1, "");
    }
    if (lastVersion < 0) {
      resync(l);
    }
    try {
      WriteResult r = client.put(name, state, PutOptions.defaults().epoch(l.epoch()).expectVersion(lastVersion),
          sizeHint, ProgressListener.NONE);
      lastVersion = r.version();
      return r;
    } catch (FencedException e) {
      markFenced();
      throw e;
    } catch (UnavailableException e) {
      // The write may or may not have committed: learn the current version before the next one.
      lastVersion = -1;
      throw e;
    }
  }

  /**
   * After a checkpoint whose outcome is unknown: if this session still owns the segment at its
   * epoch, whatever version is current was written under that epoch, so continue from it.
   */
  private void resync(Lease l) {
    SegmentDescription d = client.describe(name);
    if (d.epoch() != l.epoch() || !owner.equals(d.owner())) {
      markFenced();
      throw new FencedException(name + ": " + owner + " was fenced (epoch now " + d.epoch() + ")", d.epoch(), d.owner());
    }
    lastVersion = d.latest().map(SegmentInfo::version).orElse(0L);
  }

  /** Stops renewing and standing by; releases ownership (best effort) so a successor need not wait. */
  @Override
  public synchronized void close() {
    standingBy = false;
    background.shutdownNow();
    Lease l = lease;
    if (l != null && !fenced) {
      try {
        client.release(l);
      } catch (CheckpointException e) {
        LOG.debug("release of {} on close failed: {}", name, e.toString());
      }
    }
  }

  /** Configures a session; the client, segment name and local store are required. */
  public static final class Builder {
    private final CheckpointClient client;
    private final String name;
    private final LocalStore store;
    private String owner = defaultOwner();
    private Duration ttl = Duration.ofSeconds(10);
    private Runnable onFenced = () -> { };

    private Builder(CheckpointClient client, String name, LocalStore store) {
      this.client = Objects.requireNonNull(client, "client");
      this.name = Objects.requireNonNull(name, "name");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** A unique id per process incarnation; the default is host/pid/random. */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Called (on a background thread) when another owner fences this session. */
    public Builder onFenced(Runnable r) {
      this.onFenced = Objects.requireNonNull(r, "onFenced");
      return this;
    }

    public CheckpointSession build() {
      return new CheckpointSession(this);
    }

    private static String defaultOwner() {
      return ManagementFactory.getRuntimeMXBean().getName().replace('@', '-') + "-"
          + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
