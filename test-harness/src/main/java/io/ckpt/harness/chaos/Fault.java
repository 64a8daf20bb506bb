package io.ckpt.harness.chaos;

import java.time.Duration;

/**
 * One fault of a chaos schedule: what happens, to whom, and for how long. Targets are chosen
 * when the fault starts ({@code LEADER} means whichever node leads then), so a schedule is
 * reproducible from its seed even though the cluster's roles are not.
 *
 * @param at when the fault starts, from the start of the run
 * @param kind what happens
 * @param targets how many nodes it hits (for node faults) or the size of the minority side
 *        (for partitions)
 * @param leader whether the leader is among the targets
 * @param lasting how long until it is healed
 * @param delayMs the added latency of {@link Kind#DELAY} links
 */
public record Fault(Duration at, Kind kind, int targets, boolean leader, Duration lasting, int delayMs) {
  /** The faults the nemesis knows. */
  public enum Kind {
    /** SIGKILL, restarted when healed. */
    KILL,
    /** SIGTERM (a clean stop), restarted when healed. */
    RESTART,
    /** SIGSTOP, SIGCONT when healed. */
    FREEZE,
    /** Two sides that cannot talk to each other. */
    PARTITION,
    /** A node in the middle sees both sides of a partition; the sides do not see each other. */
    BRIDGE,
    /** Peer links in one direction only are cut (the targets cannot reach the others). */
    ONE_WAY,
    /** Slow links from the targets to everyone. */
    DELAY,
    /** Every open peer connection is reset, repeatedly, while it lasts. */
    RESET,
    /** SIGKILL or SIGTERM, then bytes of the node's store files are flipped before it restarts. */
    CORRUPT_STORE
  }

  public String describe() {
    String who = targets + (leader ? " incl. leader" : "");
    return switch (kind) {
      case PARTITION -> "partition minority of " + who;
      case DELAY -> "delay " + delayMs + "ms from " + who;
      default -> kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + who;
    } + " for " + lasting.toMillis() + "ms";
  }
}
