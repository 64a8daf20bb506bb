package io.ckpt.harness.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ckpt.client.util.Durations;
import io.ckpt.client.util.Sizes;
import io.ckpt.harness.TempDirs;
import io.ckpt.harness.bench.report.ReportWriter;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.ResultsFile;
import io.ckpt.harness.bench.results.RunInfo;
import io.ckpt.harness.bench.systems.BenchTarget;
import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import io.ckpt.harness.bench.systems.Layout;
import io.ckpt.harness.bench.systems.Systems;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BenchPlan}: for each pass, for each system and layout, starts the target in a
 * fresh directory, then measures its cells in order (skipping, with the reason recorded, those it
 * cannot run), appending every result (with its pass) to the results file as it is known and
 * rewriting the report after each target. Systems take turns pass by pass, in an order that
 * rotates from pass to pass ({@link BenchPlan#systemsInPass}), so a slow hour on a shared machine
 * falls on all of them and each takes every position in turn. With {@link BenchPlan#interleave}
 * every target starts once and the systems take turns cell by cell. Progress goes to
 * {@code progress}, each line naming the pass when there are several.
 */
final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
  /** The target warm-up goes on in rounds this long until the JIT has settled. */
  static final Duration SETTLE_ROUND = Duration.ofSeconds(10);
  /** Plans whose every size is at least this warm their targets up with writes of that size. */
  static final long LARGE_WARMUP_BYTES = 1 << 20;
  /** The target warm-up's limit, as a multiple of {@code --target-warmup}. */
  static final int MAX_WARMUP_FACTOR = 3;
  private final BenchPlan plan;
  private final RunInfo run;
  private final ResultsFile results;
  private final PrintStream progress;
  private final Map<Long, byte[]> payloads = new HashMap<>();
  private final Map<CellResult.Status, Integer> counts = new EnumMap<>(CellResult.Status.class);
  /** Targets started and not yet stopped (the shutdown hook closes them). */
  private final List<BenchTarget> running = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** With {@code --interleave}: while the targets start and warm up, before the first pass. */
  private boolean settingUp;
  /** The pass being run, 1-based. */
  private int pass;

  Runner(BenchPlan plan, RunInfo run, ResultsFile results, PrintStream progress) {
    this.plan = plan;
    this.run = run;
    this.results = results;
    this.progress = progress;
  }

  /** Runs every target; returns how many cells ended in each status. */
  Map<CellResult.Status, Integer> run() throws InterruptedException {
    results.append(run);
    // A benchmark stopped with ^C or a signal must not leave server processes behind.
    Thread hook = new Thread(() -> running.forEach(Runner::closeQuietly), "bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (plan.interleave()) {
        pass = 1;
        runInterleaved();
      } else {
        for (pass = 1; pass <= plan.passes(); pass++) {
          for (String system : plan.systemsInPass(pass)) {
            for (Layout layout : plan.layouts()) {
              runTarget(system, layout);
              writeReport();
            }
          }
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    return counts;
  }

  private void runTarget(String system, Layout layout) throws InterruptedException {
    Started started = start(system, layout, List.of(pass));
    if (started == null) {
      return;
    }
    try {
      warmUp(started.target(), started.preload(), layout);
      for (Cell cell : started.cells()) {
        runCell(started.target(), started.preload(), cell);
      }
    } finally {
      stop(started);
    }
  }

  /**
   * With {@code --interleave}: starts every target (system and layout) once and warms each up,
   * then in each pass runs every cell on each target in turn (systems in the pass's order, each
   * in every layout) before the next cell, so that both halves of a ratio are measured within a
   * cell's time of each other, on the same nodes in every pass.
   */
  private void runInterleaved() throws InterruptedException {
    List<Integer> allPasses = java.util.stream.IntStream.rangeClosed(1, plan.passes()).boxed().toList();
    Map<String, Started> up = new java.util.LinkedHashMap<>();
    try {
      settingUp = true;
      for (String system : plan.systems()) {
        for (Layout layout : plan.layouts()) {
          Started started = start(system, layout, allPasses);
          if (started != null) {
            up.put(Cell.targetName(system, layout), started);
            warmUp(started.target(), started.preload(), layout);
          }
        }
      }
      settingUp = false;
      int cellCount = plan.cells(plan.systems().get(0), plan.layouts().get(0)).size();
      for (pass = 1; pass <= plan.passes(); pass++) {
        for (int i = 0; i < cellCount; i++) {
          for (String system : plan.systemsInPass(pass)) {
            for (Layout layout : plan.layouts()) {
              Started started = up.get(Cell.targetName(system, layout));
              if (started != null) {
                runCell(started.target(), started.preload(), started.cells().get(i));
              }
            }
          }
        }
        writeReport();
      }
    } finally {
      settingUp = false;
      up.values().forEach(this::stop);
    }
  }

  /** A running target, in its own directory, with its cells. */
  private record Started(BenchTarget target, Path dir, Preload preload, List<Cell> cells) {}

  /**
   * Starts {@code system} in a fresh directory; null when it cannot run in {@code layout} (said,
   * nothing recorded), or has nothing to run or did not start, its cells then recorded as skipped
   * or failed in each of {@code passes}.
   */
  private Started start(String system, Layout layout, List<Integer> passes) {
    String unsupported = Systems.unsupportedLayout(system, layout);
    if (unsupported != null) {
      say("[%s/%s] not run: %s", system, Cell.layoutName(layout), unsupported);
      return null;
    }
    List<Cell> cells = plan.cells(system, layout);
    String prefix = "[" + Cell.targetName(system, layout) + "]";
    if (cells.stream().allMatch(c -> plan.tooMuchInFlight(c) != null)) {
      passes.forEach(p -> cells.forEach(
          c -> record(CellResult.skipped(c, run.id(), p, null, plan.tooMuchInFlight(c)))));
      return null;
    }
    Path dir;
    try {
      Files.createDirectories(plan.workDir());
      dir = Files.createTempDirectory(plan.workDir(), "ckpt-bench-" + system + "-" + Cell.layoutName(layout)
          + (plan.interleave() ? "-" : "-pass" + pass + "-"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create a directory under " + plan.workDir(), e);
    }
    say("%s starting 3 nodes in %s", prefix, dir);
    long t0 = System.nanoTime();
    BenchTarget target;
    try {
      target = Systems.start(system, layout, dir);
    } catch (Exception e) {
      String why = "the target did not start: " + LoadClient.message(e);
      say("%s %s", prefix, why);
      LOG.debug("{} did not start", prefix, e);
      TempDirs.deleteQuietly(dir);
      for (int p : passes) {
        for (Cell c : cells) {
          String skip = plan.tooMuchInFlight(c);
          record(skip != null ? CellResult.skipped(c, run.id(), p, null, skip)
              : CellResult.failed(c, run.id(), p, null, why));
        }
      }
      return null;
    }
    running.add(target);
    say("%s ready in %.1f s: %s", prefix, (System.nanoTime() - t0) / 1e9, target.description());
    return new Started(target, dir, new Preload(target), cells);
  }

  private void stop(Started started) {
    running.remove(started.target());
    quietlyStop(started.target());
    TempDirs.deleteQuietly(started.dir());
  }

  /**
   * Runs the target before its cells, not recorded: the {@linkplain #warmUpCells warm-up cells}
   * in turn, for at least {@code --target-warmup} and then on, in rounds of {@link #SETTLE_ROUND}
   * per cell (or of {@code --target-warmup}, if shorter), until the JIT compilers of the target's
   * JVMs and this one used under {@link CompilerCpu#SETTLED} of a core in every cell of a round,
   * for at most {@link #MAX_WARMUP_FACTOR} times {@code --target-warmup}. A JVM's JIT needs
   * minutes on a loaded 2-core machine before three server JVMs reach steady state
   * (ckpt 1 KiB × 64 in 3 processes: 492 ops/s after 10 s, 2,330 after 60 s, 4,899 after 120 s;
   * see {@link CompilerCpu}), and each concurrency takes paths of its own (lone puts, batches of
   * a few, batches of dozens); production nodes run for days, so cells measure the warm state.
   * etcd (Go) gets the same warm-up, and settles at once.
   */
  private void warmUp(BenchTarget target, Preload preload, Layout layout) throws InterruptedException {
    if (plan.targetWarmup().isZero()) {
      return;
    }
    List<Cell> cells = warmUpCells(plan.workloads(), plan.sizes(), plan.clients(), target.system(), layout,
        target.supports(Operation.READ_LINEARIZABLE));
    List<byte[]> payloads = new ArrayList<>();
    for (Cell cell : cells) {
      byte[] payload = payload(cell.size());
      try {
        preload.prepare(cell, payload);
      } catch (Exception e) {
        say("[%s] warm-up could not write its values: %s", cell.label(), LoadClient.message(e));
        return;
      }
      payloads.add(payload);
    }
    String label = Cell.targetName(target.system(), layout);
    String shapes = cells.stream().map(Cell::shape).collect(Collectors.joining(", "));
    Duration least = plan.targetWarmup();
    Duration most = least.multipliedBy(MAX_WARMUP_FACTOR);
    say("[%s] target warm-up (JIT) on %s in turn: %s, then until the compilers are nearly idle (at most %s), not"
        + " recorded...", label, shapes, Durations.format(least), Durations.format(most));
    Duration round = settleRound(least);
    long t0 = System.nanoTime();
    Duration first = least.minus(round.multipliedBy(cells.size()));
    if (!first.isNegative() && !first.isZero()) {
      loadEach(target, cells, payloads, first.dividedBy(cells.size()));
    }
    double share;
    do {
      share = loadEach(target, cells, payloads, round);
    } while (share >= CompilerCpu.SETTLED && System.nanoTime() - t0 < most.toNanos());
    say("[%s] warmed up for %s; the JIT compilers used at most %s of a core in each cell's last %s", label,
        Durations.format(Duration.ofSeconds((System.nanoTime() - t0) / 1_000_000_000L)),
        Double.isNaN(share) ? "an unknown share" : String.format(Locale.ROOT, "%.0f %%", share * 100),
        Durations.format(round));
  }

  /**
   * How long each warm-up cell runs per settling round: {@link #SETTLE_ROUND}, or
   * {@code targetWarmup} if shorter.
   */
  static Duration settleRound(Duration targetWarmup) {
    return targetWarmup.compareTo(SETTLE_ROUND) < 0 ? targetWarmup : SETTLE_ROUND;
  }

  /** Loads each cell in turn for {@code each}; the highest JIT share of a core among them (NaN if unknown). */
  private double loadEach(BenchTarget target, List<Cell> cells, List<byte[]> payloads, Duration each)
      throws InterruptedException {
    double highest = Double.NaN;
    for (int i = 0; i < cells.size(); i++) {
      double share = CellRun.load(target, cells.get(i), payloads.get(i), each, run.id(), pass);
      if (!Double.isNaN(share) && (Double.isNaN(highest) || share > highest)) {
        highest = share;
      }
    }
    return highest;
  }

  /**
   * What a target warms up with: small writes from each number of clients the plan measures
   * (a lone put, batches of a few and of dozens take different paths), after linearizable reads
   * mixed with writes from 16 clients where the plan measures more than writes and the target
   * can read ({@code targetReads}); a plan of writes alone warms every target up with writes
   * alone, the same for all (reads would train a reading target's JIT on paths its cells do not
   * take, and a system that cannot read gets none); but when every size the plan
   * measures is {@link #LARGE_WARMUP_BYTES} or more, writes of the smallest of them from one
   * client, so that the JIT has compiled the large-write path (chunked uploads, streams) that the
   * cells measure, not only the small one.
   */
  static List<Cell> warmUpCells(List<Workload> workloads, List<Long> sizes, List<Integer> clients, String system,
      Layout layout, boolean targetReads) {
    long smallest = sizes.stream().mapToLong(Long::longValue).min().orElseThrow();
    if (smallest >= LARGE_WARMUP_BYTES) {
      return List.of(new Cell(system, layout, Workload.WRITE, smallest, 1));
    }
    List<Cell> cells = new ArrayList<>();
    if (targetReads && workloads.stream().anyMatch(w -> w != Workload.WRITE)) {
      cells.add(new Cell(system, layout, Workload.MIXED, 1024, 16));
    }
    clients.stream().distinct().sorted().forEach(c -> cells.add(new Cell(system, layout, Workload.WRITE, 1024, c)));
    return cells;
  }

  private void runCell(BenchTarget target, Preload preload, Cell cell) throws InterruptedException {
    String skip = skipReason(target, cell);
    if (skip != null) {
      say("[%s] skipped: %s", cell.label(), skip);
      record(CellResult.skipped(cell, run.id(), pass, target.description(), skip));
      return;
    }
    byte[] payload = payload(cell.size());
    try {
      preload.prepare(cell, payload);
    } catch (Exception e) {
      String why = "writing the values to read failed: " + LoadClient.message(e);
      say("[%s] failed: %s", cell.label(), why);
      record(CellResult.failed(cell, run.id(), pass, target.description(), why));
      return;
    }
    say("[%s] %s warm-up, %s measured...", cell.label(), Durations.format(plan.warmup()),
        Durations.format(plan.duration()));
    CellResult r = new CellRun(target, cell, payload, plan.warmup(), plan.duration(), run.id(), pass,
        run.workDevice()).run();
    record(r);
    say("[%s] %.0f ops/s, %.2f MB/s, p50 %s ms, p99 %s ms, %d errors%s", cell.label(),
        r.opsPerSecond(), r.mbPerSecond(), r.latency() == null ? "-" : fmt(r.latency().p50Ms()),
        r.latency() == null ? "-" : fmt(r.latency().p99Ms()), r.errors(),
        r.firstError() == null ? "" : " (first: " + r.firstError() + ")");
  }

  /** Why the target cannot run the cell, or null. */
  private String skipReason(BenchTarget target, Cell cell) {
    List<Operation> missing = cell.workload().operations().stream().filter(op -> !target.supports(op)).sorted().toList();
    if (!missing.isEmpty()) {
      return target.system() + " does not support " + missing.stream()
          .map(op -> op.name().toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(" and "));
    }
    if (cell.size() > target.maxValueBytes()) {
      return "a " + Sizes.format(cell.size()) + " value exceeds " + target.system() + "'s limit of "
          + Sizes.format(target.maxValueBytes());
    }
    return plan.tooMuchInFlight(cell);
  }

  /** One value per size, shared by every client (random bytes: nothing compresses them). */
  private byte[] payload(long size) {
    return payloads.computeIfAbsent(size, s -> {
      byte[] b = new byte[Math.toIntExact(s)];
      new SplittableRandom(s).nextBytes(b);
      return b;
    });
  }

  private void record(CellResult r) {
    results.append(r);
    counts.merge(r.status(), 1, Integer::sum);
  }

  /**
   * One progress line, prefixed with the pass ({@code [pass 2/3] }) when there are several, or
   * with {@code [before the passes] } while {@code --interleave} starts and warms up the targets.
   */
  private void say(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    String where = settingUp ? "[before the passes] " : "[pass " + pass + "/" + plan.passes() + "] ";
    progress.println(plan.passes() > 1 ? where + line : line);
  }

  private void writeReport() {
    try {
      ReportWriter.write(results);
    } catch (RuntimeException e) {
      progress.println("bench: could not write the report: " + LoadClient.message(e));
      LOG.debug("report", e);
    }
  }

  private static String fmt(double ms) {
    return ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%.2f", ms);
  }

  /**
   * Stops a target with Ratis silenced (peers going away, requests cut off by the close), then
   * restores its level; with --verbose it keeps talking.
   */
  private static void quietlyStop(BenchTarget target) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      closeQuietly(target);
      return;
    }
    List<ch.qos.logback.classic.Logger> loggers =
        List.of(ctx.getLogger("org.apache.ratis"), ctx.getLogger("org.apache.ratis.thirdparty"));
    List<Level> before = loggers.stream().map(ch.qos.logback.classic.Logger::getLevel).toList();
    if (!loggers.get(0).isEnabledFor(Level.INFO)) {
      loggers.forEach(l -> l.setLevel(Level.OFF));
    }
    try {
      closeQuietly(target);
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).setLevel(before.get(i));
      }
    }
  }

  private static void closeQuietly(BenchTarget target) {
    if (target == null) {
      return;
    }
    try {
      target.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", target.system(), e.toString());
    }
  }
}
