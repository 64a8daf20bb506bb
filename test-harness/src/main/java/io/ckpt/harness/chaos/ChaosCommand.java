package io.ckpt.harness.chaos;

import io.ckpt.harness.check.Verdict;
import io.ckpt.server.cli.CkptCommand;
import io.ckpt.server.cli.CkptSubcommand;
import io.ckpt.server.cli.VerboseOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ckpt chaos}: a randomized, seeded fault run against real server processes, with every
 * recorded operation checked. Exit code 0 when every checker passed, 5 when one found a
 * violation, 6 when one could not decide.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Run server processes under a seeded fault schedule with concurrent clients; check the history.")
public final class ChaosCommand implements CkptSubcommand {
  static final int VIOLATION = 5;
  static final int UNDECIDED = 6;
  @Spec private CommandSpec spec;
  @Mixin private VerboseOption verbose;

  @Option(names = "--nodes", defaultValue = "5", description = "Server processes: 3 or 5 (default ${DEFAULT-VALUE}).")
  private int nodes;

  @Option(names = "--duration", defaultValue = "2m", paramLabel = "DURATION",
      description = "How long clients run under faults, e.g. 90s, 10m (default ${DEFAULT-VALUE}).")
  private String duration;

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
  private int clients;

  @Option(names = "--keys", defaultValue = "4", description = "Segments the clients share (default ${DEFAULT-VALUE}).")
  private int keys;

  @Option(names = "--seed", description = "Seed of the fault schedule and the clients' choices (default: random, printed).")
  private Long seed;

  @Option(names = "--out", paramLabel = "DIR", description = "Where history.jsonl, timeline.txt and summary.txt go "
      + "(default: ./chaos-<seed>).")
  private Path out;

  @Option(names = "--faults", split = ",", paramLabel = "KIND",
      description = "Fault kinds to draw from (default: all): kill, restart, freeze, partition, bridge, one_way, "
          + "delay, reset, corrupt_store; 'none' for a fault-free run.")
  private List<String> faults;

  @Option(names = "--streams", description = "Give every node a stream port: chunked writes go as DataStream "
      + "streams, through the same faults as the Raft links.")
  private boolean streams;

  @Option(names = "--op-timeout", defaultValue = "5s", paramLabel = "DURATION",
      description = "After this an operation is recorded as unknown (default ${DEFAULT-VALUE}).")
  private String opTimeout;

  @Override
  public Integer call() throws Exception {
    CkptCommand root = (CkptCommand) spec.root().userObject();
    if (!verbose.isVerbose()) {
      VerboseOption.muteRatis(); // clients meet dead and partitioned nodes all the time: that is the point
    }
    long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
    ChaosOptions options;
    try {
      options = new ChaosOptions(nodes, parse(duration, "--duration"), clients, keys, s,
          out != null ? out : Path.of("chaos-" + Long.toUnsignedString(s)), kinds(), parse(opTimeout, "--op-timeout"),
          streams);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    root.err().printf("chaos: seed %d, %d nodes%s, %d clients, %s; writing to %s%n", s, nodes,
        streams ? " with stream ports" : "", clients, duration, options.out().toAbsolutePath());
    ChaosReport report = new ChaosRun(options, root.err()).run();
    root.out().print(report.text());
    root.out().flush();
    Verdict v = report.verdict();
    return v == Verdict.PASS ? 0 : v == Verdict.FAIL ? VIOLATION : UNDECIDED;
  }

  private Duration parse(String text, String option) {
    try {
      return io.ckpt.client.util.Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private List<Fault.Kind> kinds() {
    if (faults == null) {
      return List.of(Fault.Kind.values());
    }
    List<Fault.Kind> out = new ArrayList<>();
    for (String f : faults) {
      if (f.equalsIgnoreCase("none")) {
        continue;
      }
      try {
        out.add(Fault.Kind.valueOf(f.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault kind '" + f + "'");
      }
    }
    return out;
  }
}
