package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.Watch;
import io.ckpt.client.WatchEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt watch NAME [--from V] [--count N]}: prints each new committed version of a
 * segment as it is committed, one line each, until interrupted (SIGINT/SIGTERM: exit 0) or
 * N events were printed. Unavailability is retried (by {@link Watch}); only bad input or a
 * segment that does not exist (checked when it starts) ends it early.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Print each new committed version of a segment, one line each, as it is committed:",
        "  NAME vN revision R size S crc32c C   (with --json: the fields of put --json)",
        "Versions that retention removed before they were seen print as one gap line.",
        "Runs until interrupted (Ctrl-C or SIGTERM end it with exit code 0) or --count events were printed;",
        "A segment that does not exist is an error (exit 2); a cluster that becomes unavailable is waited for."})
final class WatchCommand implements Callable<Integer> {
  /** How long one wait for an event lasts before the loop checks for a stop. */
  static final Duration POLL = Duration.ofSeconds(1);

  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--from", paramLabel = "V",
      description = "Print the versions after V (default: the latest version now, i.e. only new ones; 0: all retained).")
  private Long from;

  @Option(names = "--count", paramLabel = "N", description = "Stop after printing N events (default: run until interrupted).")
  private Long count;

  @Override
  public Integer call() {
    if (from != null && from < 0) {
      throw Errors.usage("--from must be >= 0, got " + from);
    }
    if (count != null && count < 1) {
      throw Errors.usage("--count must be at least 1, got " + count);
    }
    try (StopSignals stop = StopSignals.install(Thread.currentThread())) {
      try (CheckpointClient c = client.connect()) {
        try {
          watch(c, stop, client.root().out());
        } finally {
          stop.workDone();
        }
      } catch (RuntimeException e) {
        if (!stop.requested()) {
          throw e;
        }
      }
    }
    return Errors.OK;
  }

  private void watch(CheckpointClient c, StopSignals stop, PrintStream out) {
    // Always described first: a segment that does not exist is an error (exit 2), not a silent wait.
    long latest = c.describe(name).latest().map(SegmentInfo::version).orElse(0L);
    long after = from != null ? from : latest;
    Watch w = c.watch(name, after);
    long printed = 0;
    while ((count == null || printed < count) && !stop.requested()) {
      Optional<WatchEvent> e = next(w);
      if (e.isPresent()) {
        out.println(format(e.get()));
        out.flush();
        printed++;
        if (out.checkError()) {
          return; // stdout is gone (e.g. a closed pipe): nobody is reading any more
        }
      }
    }
  }

  /** The next event, or empty when none came within {@link #POLL} or the cluster is unavailable. */
  private static Optional<WatchEvent> next(Watch w) {
    try {
      return w.next(POLL);
    } catch (UnavailableException e) {
      pause();
      return Optional.empty();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One output line for an event, plain or JSON. */
  private String format(WatchEvent e) {
    if (e.isGap()) {
      return client.json()
          ? Json.object().put("name", name).put("missedFrom", e.missedFrom()).put("missedTo", e.missedTo()).toString()
          : name + " versions " + e.missedFrom() + ".." + e.missedTo() + " were removed by retention before they were seen";
    }
    SegmentInfo v = e.version().orElseThrow();
    return client.json() ? Json.version(v).toString()
        : v.name() + " v" + v.version() + " revision " + v.revision() + " size " + v.size() + " crc32c " + v.crc32cHex();
  }
}
