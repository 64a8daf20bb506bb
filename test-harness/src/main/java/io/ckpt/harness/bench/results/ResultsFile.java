package io.ckpt.harness.bench.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The results directory of {@code ckpt bench}: {@code results.jsonl} (one line per cell) and
 * {@code runs.jsonl} (one line per invocation). Invocations append, so a matrix can be measured
 * in several runs and reported together; files from several directories can be concatenated.
 */
public final class ResultsFile {
  public static final String RESULTS = "results.jsonl";
  public static final String RUNS = "runs.jsonl";
  private final Path dir;

  public ResultsFile(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public boolean exists() {
    return Files.isRegularFile(dir.resolve(RESULTS));
  }

  /** Appends one cell (and flushes it: a run that dies keeps what it measured). */
  public synchronized void append(CellResult r) {
    appendLine(RESULTS, r.toJson());
  }

  public synchronized void append(RunInfo run) {
    appendLine(RUNS, run.toJson());
  }

  private void appendLine(String file, String line) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every cell in file order. */
  public List<CellResult> cells() {
    return read(RESULTS, CellResult::fromJson);
  }

  /** Every run in file order (none when {@code runs.jsonl} is missing). */
  public List<RunInfo> runs() {
    return Files.exists(dir.resolve(RUNS)) ? read(RUNS, RunInfo::fromJson) : List.of();
  }

  /**
   * Every cell's results from the latest run that measured it (the run of its last line), one
   * per pass in pass order (a pass recorded twice keeps its later line); cells in first-seen
   * order. An earlier run's results of a cell are replaced as a whole, whatever its passes.
   */
  public static Map<Cell, List<CellResult>> latestRun(List<CellResult> all) {
    Map<Cell, String> lastRun = new LinkedHashMap<>();
    for (CellResult r : all) {
      lastRun.put(r.cell(), r.run());
    }
    Map<Cell, TreeMap<Integer, CellResult>> byPass = new HashMap<>();
    for (CellResult r : all) {
      if (r.run().equals(lastRun.get(r.cell()))) {
        byPass.computeIfAbsent(r.cell(), c -> new TreeMap<>()).put(r.pass(), r);
      }
    }
    Map<Cell, List<CellResult>> out = new LinkedHashMap<>();
    lastRun.keySet().forEach(c -> out.put(c, List.copyOf(byPass.get(c).values())));
    return out;
  }

  private <T> List<T> read(String file, Function<String, T> parse) {
    Path p = dir.resolve(file);
    List<T> out = new ArrayList<>();
    try {
      int n = 0;
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(parse.apply(line));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(p + " line " + n + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
