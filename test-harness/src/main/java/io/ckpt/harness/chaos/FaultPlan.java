package io.ckpt.harness.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A randomized fault schedule, the same for the same seed: faults one after another, each
 * lasting a few seconds, with healthy gaps between them so the cluster can make progress.
 */
public final class FaultPlan {
  private static final Duration FIRST_FAULT = Duration.ofSeconds(5);
  private final List<Fault> faults;

  private FaultPlan(List<Fault> faults) {
    this.faults = List.copyOf(faults);
  }

  public List<Fault> faults() {
    return faults;
  }

  /**
   * The schedule for a run of {@code duration} on {@code nodes} nodes; faults end before the
   * run does. Node faults hit a minority mostly, and sometimes a majority (then nothing can be
   * written until they heal: availability is lost, safety must not be).
   */
  public static FaultPlan generate(long seed, int nodes, Duration duration, List<Fault.Kind> kinds) {
    if (kinds.isEmpty()) {
      return new FaultPlan(List.of());
    }
    Random random = new Random(seed);
    int minority = (nodes - 1) / 2;
    List<Fault> out = new ArrayList<>();
    long t = FIRST_FAULT.toMillis();
    long end = duration.toMillis();
    while (true) {
      Fault.Kind kind = kinds.get(random.nextInt(kinds.size()));
      long lasting = 2_000 + random.nextInt(10_000);
      if (t + lasting > end) {
        break;
      }
      boolean majority = nodes > 1 && random.nextInt(8) == 0;
      int targets = switch (kind) {
        case PARTITION, ONE_WAY, DELAY -> 1 + random.nextInt(Math.max(1, minority));
        case BRIDGE -> 1;
        case RESET -> nodes;
        default -> majority ? minority + 1 : 1 + random.nextInt(Math.max(1, minority));
      };
      boolean leader = random.nextBoolean();
      int delayMs = kind == Fault.Kind.DELAY ? 20 + random.nextInt(400) : 0;
      out.add(new Fault(Duration.ofMillis(t), kind, targets, leader, Duration.ofMillis(lasting), delayMs));
      t += lasting + 2_000 + random.nextInt(4_000);
    }
    return new FaultPlan(out);
  }
}
