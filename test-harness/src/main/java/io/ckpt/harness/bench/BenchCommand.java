package io.ckpt.harness.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ckpt.client.util.Durations;
import io.ckpt.client.util.Sizes;
import io.ckpt.harness.bench.report.ReportWriter;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.ResultsFile;
import io.ckpt.harness.bench.results.RunInfo;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import io.ckpt.harness.bench.systems.Systems;
import io.ckpt.server.cli.CkptCommand;
import io.ckpt.server.cli.CkptSubcommand;
import io.ckpt.server.cli.VerboseOption;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ckpt bench}: measures ckpt and its baselines (a bare Ratis state machine, etcd) over a
 * matrix of workloads, value sizes and client counts, each system as a 3-node cluster on
 * loopback in this JVM and/or as 3 processes. Results go to {@code DIR/results.jsonl}, the
 * report to {@code DIR/benchmarks.md} with a {@code DIR/<workload>.png} chart per workload;
 * {@code --report-only} rebuilds the report from the results already in {@code DIR}. With
 * {@code --passes N} every system runs N times, the systems taking turns, and the report gives
 * medians over the passes; with {@code --interleave} the systems take turns cell by cell instead,
 * their nodes started once for all passes.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmark ckpt against a bare Ratis state machine and etcd (3 nodes on loopback, fsync on).",
        "Every cell: --warmup, then a --duration window; results are appended to DIR/results.jsonl and the "
            + "report (DIR/benchmarks.md, DIR/<workload>.png) is rewritten after each system."})
public final class BenchCommand implements CkptSubcommand {
  @Spec private CommandSpec spec;
  @Mixin private VerboseOption verbose;

  @Option(names = "--systems", split = ",", defaultValue = "ckpt,ratis,etcd,copy", paramLabel = "NAME",
      description = "Systems to measure: ckpt, ckpt-stream (ckpt with stream ports: chunked writes as DataStream "
          + "streams), ratis (bare Ratis state machine), ratis-stream (bare Ratis, value "
          + "streamed over Ratis DataStream to files every node forces, writes only), etcd, copy (payload to 3 "
          + "fsyncing loopback replicas, writes only) (default ${DEFAULT-VALUE}).")
  private List<String> systems;

  @Option(names = "--layouts", split = ",", defaultValue = "jvm,processes", paramLabel = "LAYOUT",
      description = "jvm (3 nodes in this JVM; not for etcd) and/or processes (3 node processes) "
          + "(default ${DEFAULT-VALUE}).")
  private List<String> layouts;

  @Option(names = "--workloads", split = ",", defaultValue = "write,read,read-stale,mixed,takeover",
      paramLabel = "NAME", description = "write, read (linearizable), read-stale (from a follower), mixed "
          + "(90%% reads, 10%% writes), takeover (fence + load) (default ${DEFAULT-VALUE}).")
  private List<String> workloads;

  @Option(names = "--sizes", split = ",", defaultValue = "1k,64k,1m,64m", paramLabel = "SIZE",
      description = "Value sizes, e.g. 1k, 64KiB, 1m (default ${DEFAULT-VALUE}).")
  private List<String> sizes;

  @Option(names = "--clients", split = ",", defaultValue = "1,16,64", paramLabel = "N",
      description = "Concurrent clients, each on its own key (default ${DEFAULT-VALUE}).")
  private List<String> clients;

  @Option(names = "--target-warmup", defaultValue = "120s", paramLabel = "DURATION",
      description = "Once per started system, before its first cell: 1 KiB reads and writes from 16 clients (when "
          + "--workloads has more than write and the system reads), then 1 KiB writes from each --clients count "
          + "in turn (writes of the smallest size from 1 client when every size is 1 MiB or more), not recorded, for "
          + "at least this long, then on until the JIT compilers of its JVMs use under 25 %% of a core in each (at "
          + "most 3 times this): a JVM's JIT needs minutes to settle on a small machine (default ${DEFAULT-VALUE}).")
  private String targetWarmup;

  @Option(names = "--passes", defaultValue = "1", paramLabel = "N",
      description = "Run every system N times, taking turns, the --systems order rotated each pass (ckpt, etcd, then "
          + "etcd, ckpt, ...) so each takes every position in turn; each "
          + "pass on freshly started nodes with their --target-warmup. The report shows each cell's median over its "
          + "passes with their range, and ratios as the median of per-pass ratios (default ${DEFAULT-VALUE}).")
  private String passes;

  @Option(names = "--interleave",
      description = "Start every system in every layout once for all passes (all their nodes up at once, each "
          + "warmed up once) and in each pass run each cell on every one in turn, in the pass's order, before the "
          + "next cell: the two halves of a ratio are then measured a cell's time apart, not a whole system's cells "
          + "apart, on a machine whose speed drifts.")
  private boolean interleave;

  @Option(names = "--warmup", defaultValue = "10s", paramLabel = "DURATION",
      description = "Warm-up of every cell, not measured (default ${DEFAULT-VALUE}).")
  private String warmup;

  @Option(names = "--duration", defaultValue = "20s", paramLabel = "DURATION",
      description = "Measured window of every cell (default ${DEFAULT-VALUE}).")
  private String duration;

  @Option(names = "--max-in-flight", defaultValue = "1GiB", paramLabel = "SIZE",
      description = "Skip cells whose clients × size exceed this (memory, and time to drain a window) "
          + "(default ${DEFAULT-VALUE}).")
  private String maxInFlight;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results and report directory; a run appends to results already there "
          + "(default: ./bench-<date>-<time>).")
  private Path out;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where the clusters keep their data, a fresh directory per system and layout "
          + "(default: the temporary directory). Use a real disk: on tmpfs fsync is free.")
  private Path workDir;

  @Option(names = "--report-only",
      description = "Rebuild benchmarks.md and the charts from DIR/results.jsonl (--out), measuring nothing.")
  private boolean reportOnly;

  @Override
  public Integer call() throws Exception {
    CkptCommand root = (CkptCommand) spec.root().userObject();
    if (reportOnly) {
      return report(root);
    }
    BenchPlan plan = plan();
    ch.qos.logback.classic.Logger ratisClient = LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
        ? ctx.getLogger("org.apache.ratis.client") : null;
    Level before = ratisClient == null ? null : ratisClient.getLevel();
    if (ratisClient != null && !verbose.isVerbose()) {
      // The Ratis client logs every request it retries (a leader change under load, a slow
      // 64 MiB upload) with a stack trace; ckpt's client retries them and the cell counts what
      // still fails. Servers keep their warnings.
      ratisClient.setLevel(Level.OFF);
    }
    try {
      return measure(root, plan);
    } finally {
      if (ratisClient != null) {
        ratisClient.setLevel(before);
      }
    }
  }

  private int measure(CkptCommand root, BenchPlan plan) throws InterruptedException {
    PrintStream err = root.err();
    Path dir = out != null ? out
        : Path.of("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    ResultsFile results = new ResultsFile(dir);
    RunInfo run = Environment.capture(commandLine(root), plan.workDir());
    err.printf("bench: %s; results in %s%n", plan.summary(), dir.toAbsolutePath());
    long heap = Runtime.getRuntime().maxMemory();
    if (plan.maxInFlight() > heap / 4) {
      err.printf("bench: warning: --max-in-flight %s with a heap of at most %s: the largest cells may run out of "
          + "memory (raise it with CKPT_JAVA_OPTS=-Xmx..., or lower --max-in-flight)%n",
          Sizes.format(plan.maxInFlight()), Sizes.format(heap));
    }
    if ("tmpfs".equals(run.workDirFs())) {
      err.printf("bench: warning: %s is on tmpfs, where fsync costs nothing (use --work-dir on a disk)%n",
          plan.workDir());
    }
    Map<CellResult.Status, Integer> counts = new Runner(plan, run, results, err).run();
    List<Path> written = ReportWriter.write(results);
    err.printf("bench: %d cells ran without errors, %d with errors, %d skipped, %d failed%n",
        counts.getOrDefault(CellResult.Status.OK, 0), counts.getOrDefault(CellResult.Status.ERRORS, 0),
        counts.getOrDefault(CellResult.Status.SKIPPED, 0), counts.getOrDefault(CellResult.Status.FAILED, 0));
    written.forEach(p -> root.out().println(p));
    root.out().flush();
    return 0;
  }

  private int report(CkptCommand root) {
    if (out == null) {
      throw new ParameterException(spec.commandLine(),
          "--report-only needs --out DIR (the directory of " + ResultsFile.RESULTS + ")");
    }
    ResultsFile results = new ResultsFile(out);
    if (!results.exists()) {
      throw new ParameterException(spec.commandLine(), "--report-only: no " + ResultsFile.RESULTS + " in " + out);
    }
    List<Path> written;
    try {
      written = ReportWriter.write(results);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--report-only: " + e.getMessage());
    }
    written.forEach(p -> root.out().println(p));
    root.out().flush();
    return 0;
  }

  private BenchPlan plan() {
    try {
      return new BenchPlan(distinct(systems, "--systems", Systems::requireKnown), distinct(layouts, "--layouts", BenchCommand::layout), distinct(workloads, "--workloads", Workload::byId),
          distinct(sizes, "--sizes", BenchCommand::size), distinct(clients, "--clients", count("clients")),
          duration(targetWarmup, "--target-warmup"), duration(warmup, "--warmup"), duration(duration, "--duration"),
          workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir")),
          distinct(List.of(maxInFlight), "--max-in-flight", BenchCommand::size).get(0),
          distinct(List.of(passes), "--passes", count("passes")).get(0), interleave);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Parses every value of a list option, dropping repeats; errors name the option. */
  private static <T> List<T> distinct(List<String> values, String option, Function<String, T> parse) {
    LinkedHashSet<T> out = new LinkedHashSet<>();
    for (String v : values) {
      if (v.isBlank()) {
        throw new IllegalArgumentException(option + ": an empty value");
      }
      try {
        out.add(parse.apply(v.trim().toLowerCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().startsWith(option) ? e.getMessage()
            : option + ": " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(out);
  }

  private static Layout layout(String s) {
    return switch (s) {
      case "jvm", "in-jvm", "in_jvm" -> Layout.IN_JVM;
      case "processes", "process", "procs" -> Layout.PROCESSES;
      default -> throw new IllegalArgumentException("unknown layout '" + s + "' (known: jvm, processes)");
    };
  }

  private static long size(String s) {
    long v = Sizes.parse(s);
    if (v <= 0) {
      throw new IllegalArgumentException("size must be at least 1 byte, not \"" + s + "\"");
    }
    if (v > 1L << 30) {
      throw new IllegalArgumentException("size \"" + s + "\" is over 1 GiB, ckpt's largest segment");
    }
    return v;
  }

  /** Parses a whole number of {@code what} (clients, passes). */
  private static Function<String, Integer> count(String what) {
    return s -> {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + s + "' is not a whole number of " + what);
      }
    };
  }

  private Duration duration(String text, String option) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  /** The command as typed, for the report: arguments quoted where a shell would need it. */
  private String commandLine(CkptCommand root) {
    StringBuilder b = new StringBuilder();
    String opts = root.env("CKPT_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) {
      b.append("CKPT_JAVA_OPTS=").append(quote(opts)).append(' ');
    }
    b.append("bin/ckpt");
    for (String a : spec.root().commandLine().getParseResult().originalArgs()) {
      b.append(' ').append(quote(a));
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
