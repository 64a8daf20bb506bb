package io.ckpt.harness.bench;

import io.ckpt.client.util.Durations;
import io.ckpt.client.util.Sizes;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import io.ckpt.harness.bench.systems.Systems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code ckpt bench} invocation measures: every system × layout × workload × size ×
 * clients, each cell with a warm-up and a measured window of fixed length, the whole loop over
 * systems and layouts {@code passes} times.
 *
 * @param systems systems to start, in order ({@link Systems#NAMES})
 * @param layouts layouts of each system
 * @param workloads what the clients do
 * @param sizes value sizes in bytes
 * @param clients concurrent client counts
 * @param targetWarmup once per started target, before its first cell (JIT; may be zero)
 * @param warmup per cell, before the window (may be zero)
 * @param duration the measured window of every cell
 * @param workDir where the clusters keep their data (a fresh directory per system, layout and pass)
 * @param maxInFlight cells whose clients × size exceed this are skipped: every call in flight
 *     may hold a whole value in memory, and a window must be able to complete and drain them
 * @param passes how many times every system runs, the systems taking turns (each pass starts
 *     each target afresh, with its target warm-up; see {@link #systemsInPass})
 * @param interleave start every target once instead, and in each pass run each cell on every
 *     system in turn before the next cell (the halves of a ratio minutes apart at most, not a
 *     pass apart; every target's nodes up at once)
 */
record BenchPlan(List<String> systems, List<Layout> layouts, List<Workload> workloads, List<Long> sizes,
    List<Integer> clients, Duration targetWarmup, Duration warmup, Duration duration, Path workDir,
    long maxInFlight, int passes, boolean interleave) {

  BenchPlan {
    require(!systems.isEmpty() && !layouts.isEmpty() && !workloads.isEmpty() && !sizes.isEmpty() && !clients.isEmpty(),
        "every dimension needs at least one value");
    systems.forEach(Systems::requireKnown);
    for (long size : sizes) {
      require(size > 0, "--sizes: a size must be at least 1 byte, not " + size);
    }
    for (int c : clients) {
      require(c >= 1 && c <= 1024, "--clients: a client count must be 1..1024, not " + c);
    }
    require(!warmup.isNegative(), "--warmup must not be negative");
    require(!targetWarmup.isNegative(), "--target-warmup must not be negative");
    require(duration.compareTo(Duration.ofSeconds(1)) >= 0, "--duration must be at least 1s, not "
        + Durations.format(duration));
    require(maxInFlight > 0, "--max-in-flight must be positive");
    require(passes >= 1, "--passes must be at least 1, not " + passes);
    systems = List.copyOf(systems);
    layouts = List.copyOf(layouts);
    workloads = List.copyOf(workloads);
    sizes = List.copyOf(sizes);
    clients = List.copyOf(clients);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The cells of one system and layout, by workload, then size, then clients. */
  List<Cell> cells(String system, Layout layout) {
    List<Cell> out = new ArrayList<>();
    for (Workload w : workloads) {
      for (long size : sizes) {
        for (int c : clients) {
          out.add(new Cell(system, layout, w, size, c));
        }
      }
    }
    return out;
  }

  /**
   * The order the systems run in pass {@code pass} (1-based): {@link #systems} rotated left by
   * {@code pass - 1}, so over as many passes as systems each one runs once in every position
   * (none always first, on a machine nothing has just loaded).
   */
  List<String> systemsInPass(int pass) {
    if (pass < 1 || pass > passes) {
      throw new IllegalArgumentException("pass " + pass + " is not in 1.." + passes);
    }
    List<String> order = new ArrayList<>(systems);
    java.util.Collections.rotate(order, -((pass - 1) % systems.size()));
    return List.copyOf(order);
  }

  /** Why {@code cell} is skipped whatever the target, or null: it would hold too many bytes in flight. */
  String tooMuchInFlight(Cell cell) {
    long inFlight = cell.size() * cell.clients();
    if (cell.size() > maxInFlight / cell.clients()) {
      return cell.clients() + " clients × " + Sizes.format(cell.size()) + " = " + Sizes.format(inFlight)
          + " in flight exceeds --max-in-flight " + Sizes.format(maxInFlight);
    }
    return null;
  }

  /**
   * The shortest a target's warm-up can be: {@code --target-warmup}, but no less than one
   * settling round on each warm-up cell (see {@code Runner.warmUp}; in a plan of more than
   * writes, a target that can read also warms up on mixed reads, one cell more, which is not
   * known before it starts).
   */
  Duration leastTargetWarmup() {
    if (targetWarmup.isZero()) {
      return Duration.ZERO;
    }
    int warmUpCells = Runner.warmUpCells(workloads, sizes, clients, systems.get(0), layouts.get(0), false).size();
    Duration rounds = Runner.settleRound(targetWarmup).multipliedBy(warmUpCells);
    return rounds.compareTo(targetWarmup) > 0 ? rounds : targetWarmup;
  }

  /** Cells that will run (as far as is known before targets start) and a rough wall time of all passes. */
  String summary() {
    int targets = 0;
    int cells = 0;
    int skipped = 0;
    for (String s : systems) {
      for (Layout l : layouts) {
        if (Systems.unsupportedLayout(s, l) != null) {
          continue;
        }
        targets++;
        for (Cell c : cells(s, l)) {
          if (tooMuchInFlight(c) != null) {
            skipped++;
          } else {
            cells++;
          }
        }
      }
    }
    long starts = targets * (15L + leastTargetWarmup().toSeconds());
    long seconds = passes * cells * (warmup.toSeconds() + duration.toSeconds()) + (interleave ? 1 : passes) * starts;
    return String.format(java.util.Locale.ROOT, "%d targets, %d cells to run (%d skipped over --max-in-flight)%s, "
        + "at least %d min", targets, cells, skipped, passes > 1 ? ", each " + passes + " times (--passes"
            + (interleave ? ", interleaved: every target started once" : "") + ")" : "",
        (seconds + 59) / 60);
  }
}
