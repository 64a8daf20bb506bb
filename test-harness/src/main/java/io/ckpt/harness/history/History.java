package io.ckpt.harness.history;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A history being recorded by concurrent client threads, or one read back from a file.
 *
 * <p>A client calls {@link #invoke} just before it sends a request and {@link #complete} as soon
 * as the reply (or the error) is in hand. An op that is never completed stays
 * {@link Op.Outcome#UNKNOWN}: after {@link #close()} late completions are ignored, so whatever
 * was still in flight when the run ended counts as "may or may not have happened". Times come
 * from one monotonic clock ({@link System#nanoTime()} by default), so all clients of a history
 * must run in one JVM.
 *
 * <p>Files are JSON lines: one flat object per op, fields named as the components of {@link Op}.
 */
public final class History implements AutoCloseable {
  private final LongSupplier clock;
  private final Map<Long, Op> ops = new HashMap<>();
  private final Set<Long> open = new HashSet<>();
  private long nextId = 1;
  private boolean closed;

  /** A history timed by {@link System#nanoTime()}. */
  public History() {
    this(System::nanoTime);
  }

  /** A history timed by {@code nanoClock} (for simulations and tests). */
  public History(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** A closed history holding {@code ops} (ids must be unique). */
  public static History of(Collection<Op> ops) {
    History h = new History();
    for (Op op : ops) {
      if (h.ops.putIfAbsent(op.id(), op) != null) {
        throw new IllegalArgumentException("duplicate op id " + op.id());
      }
      h.nextId = Math.max(h.nextId, op.id() + 1);
    }
    h.closed = true;
    return h;
  }

  /**
   * Records that {@code client} is about to send {@code call}. Call it before sending: the
   * invocation time must not be later than the request.
   *
   * @return the op id to pass to {@link #complete}
   */
  public synchronized long invoke(int client, Call call) {
    long id = nextId++;
    ops.put(id, Op.invoked(id, client, clock.getAsLong(), call));
    if (!closed) {
      open.add(id);
    }
    return id;
  }

  /**
   * Records the reply to op {@code id}, timed now. A reply with outcome UNKNOWN leaves the op
   * open-ended (only its error text is kept).
   *
   * @return false if the history was closed before this reply (the op stays UNKNOWN)
   * @throws IllegalStateException if the op was already completed
   * @throws IllegalArgumentException if no op has this id
   */
  public boolean complete(long id, Reply reply) {
    long now = clock.getAsLong();
    synchronized (this) {
      Op op = ops.get(id);
      if (op == null) {
        throw new IllegalArgumentException("no op " + id);
      }
      if (!open.remove(id)) {
        if (closed) {
          return false;
        }
        throw new IllegalStateException("op " + id + " completed twice");
      }
      ops.put(id, op.completed(now, reply));
      return true;
    }
  }

  /** Stops accepting replies: every op still in flight stays UNKNOWN. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    open.clear();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** All ops so far in id order; ops still in flight appear as UNKNOWN. */
  public synchronized List<Op> ops() {
    List<Op> all = new ArrayList<>(ops.values());
    all.sort(Comparator.comparingLong(Op::id));
    return all;
  }

  /** Writes {@link #ops()} as JSON lines to {@code file} (replacing it). */
  public void write(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Op op : ops()) {
        w.write(OpJson.write(op));
        w.write('\n');
      }
    }
  }

  /** Reads a file written by {@link #write}; blank lines are skipped. */
  public static History read(Path file) throws IOException {
    List<Op> ops = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          ops.add(OpJson.read(line));
        } catch (RuntimeException e) {
          throw new IOException(file + ":" + n + ": " + e.getMessage(), e);
        }
      }
    }
    try {
      return of(ops);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
