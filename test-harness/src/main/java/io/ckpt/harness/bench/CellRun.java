package io.ckpt.harness.bench;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.CellResult.Latency;
import io.ckpt.harness.bench.results.CellResult.Status;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.BenchTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Measures one cell on a started, prepared target: {@code clients} threads call it back to
 * back for the warm-up, then for the measured window; operations that complete inside the
 * window count (throughput, latency); the node processes are sampled over the same window.
 * Operations still in flight when the window closes are waited for (up to {@link #DRAIN}) so
 * the next cell starts on a quiet target, but not counted.
 */
final class CellRun {
  /** How long to wait for the calls in flight when a window closes: the ckpt client's own timeout and then some. */
  static final Duration DRAIN = Duration.ofMinutes(6);
  private final BenchTarget target;
  private final Cell cell;
  private final byte[] payload;
  private final Duration warmup;
  private final Duration window;
  private final String run;
  private final int pass;
  private final String device;
  private final boolean readHeaps;
  /** The JIT compilers' share of one core over the window, once {@link #run} measured it. */
  private double jitShare = Double.NaN;

  CellRun(BenchTarget target, Cell cell, byte[] payload, Duration warmup, Duration window, String run, int pass,
      String device) {
    this(target, cell, payload, warmup, window, run, pass, device, true);
  }

  private CellRun(BenchTarget target, Cell cell, byte[] payload, Duration warmup, Duration window, String run,
      int pass, String device, boolean readHeaps) {
    this.target = target;
    this.cell = cell;
    this.payload = payload;
    this.warmup = warmup;
    this.window = window;
    this.run = run;
    this.pass = pass;
    this.device = device;
    this.readHeaps = readHeaps;
  }

  /**
   * Puts {@code cell}'s load on the target for {@code duration}, keeping none of the result (and
   * reading no heaps: that takes a jcmd per node) but the JIT compilers' share of one core over
   * it ({@link CompilerCpu#share}).
   */
  static double load(BenchTarget target, Cell cell, byte[] payload, Duration duration, String run, int pass)
      throws InterruptedException {
    CellRun load = new CellRun(target, cell, payload, Duration.ZERO, duration, run, pass, null, false);
    load.run();
    return load.jitShare;
  }

  CellResult run() throws InterruptedException {
    long start = System.nanoTime() + warmup.toNanos();
    long end = start + window.toNanos();
    List<LoadClient> clients = new ArrayList<>();
    for (int i = 0; i < cell.clients(); i++) {
      clients.add(new LoadClient(target, cell.workload(), i, payload, start, end));
    }
    clients.forEach(Thread::start);
    sleepUntil(start);
    ResourceSampler sampler = ResourceSampler.start(target, device);
    CompilerCpu jit = CompilerCpu.start(target);
    sleepUntil(end);
    ResourceSampler.Readings readings = sampler.stop();
    jitShare = jit.share();
    clients.forEach(LoadClient::finish);
    if (readHeaps) {
      readings = readings.withHeaps(sampler.heaps());
    }
    long drainDeadline = System.nanoTime() + DRAIN.toNanos();
    int busy = 0;
    for (LoadClient c : clients) {
      c.join(Math.max(1, (drainDeadline - System.nanoTime()) / 1_000_000));
      if (c.isAlive()) {
        busy++;
      }
    }
    return result(clients, readings, busy);
  }

  private CellResult result(List<LoadClient> clients, ResourceSampler.Readings readings, int busy) {
    Histogram all = new Histogram(3);
    Histogram writes = new Histogram(3);
    long ops = 0;
    long writeOps = 0;
    long errors = 0;
    long warmupErrors = 0;
    long bytes = 0;
    long payloadWritten = 0;
    String firstError = null;
    // Join publishes what a finished client recorded; a client still in a call after the drain
    // records nothing more (its call ends after the window).
    for (LoadClient c : clients) {
      all.add(c.latency);
      writes.add(c.writeLatency);
      ops += c.ops;
      writeOps += c.writeOps;
      errors += c.errors;
      warmupErrors += c.warmupErrors;
      bytes += c.bytes;
      payloadWritten += c.payloadWritten;
      firstError = firstError != null ? firstError : c.firstError;
    }
    List<String> notes = new ArrayList<>();
    if (busy > 0) {
      notes.add(busy + " of " + clients.size() + " clients were still in a call " + DRAIN.toMinutes()
          + " min after the window closed");
    }
    if (warmupErrors > 0) {
      notes.add(warmupErrors + " errors during the warm-up");
    }
    if (jitShare >= CompilerCpu.SETTLED) {
      notes.add(String.format(Locale.ROOT, "not warm: the JIT compilers used %.0f %% of a core during the window",
          jitShare * 100));
    }
    Status status = errors > 0 ? Status.ERRORS : Status.OK;
    boolean mixed = cell.workload() == Workload.MIXED;
    return new CellResult(cell, run, pass, status, notes.isEmpty() ? null : String.join("; ", notes),
        target.description(), window.toNanos() / 1e9, ops, errors, firstError, bytes, latency(all), writeOps,
        mixed ? latency(writes) : null, readings.withPayload(payloadWritten));
  }

  /** Percentiles of a histogram of microseconds, in milliseconds; null when it is empty. */
  static Latency latency(Histogram h) {
    if (h.getTotalCount() == 0) {
      return null;
    }
    return new Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getMean() / 1000.0);
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 1000)));
    }
  }
}
