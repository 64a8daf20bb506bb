package io.ckpt.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.report.BarChart;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.ResultsFile;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import io.ckpt.server.cli.CkptCommand;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ckpt bench} end to end on a tiny matrix (ckpt, 3 nodes in this JVM, 1 KiB values, 1
 * and 4 clients, 1 s warm-up, 2 s windows), and its refusal of bad options.
 */
class BenchCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path tmp;

  private int run(String... args) {
    return CkptCommand.run(new CkptCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), k -> null), args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTinyMatrixMeasuresEveryCellAndWritesTheReport() throws Exception {
    Path dir = tmp.resolve("out");
    int code = run("bench", "--systems", "ckpt", "--layouts", "jvm", "--workloads", "write,read,takeover",
        "--sizes", "1k", "--clients", "1,4", "--target-warmup", "2s", "--warmup", "1s", "--duration", "2s", "--out",
        dir.toString(),
        "--work-dir", tmp.resolve("work").toString());
    assertThat(code).as(err()).isZero();

    List<CellResult> cells = new ResultsFile(dir).cells();
    assertThat(cells).extracting(r -> r.cell().workload() + " " + r.cell().clients())
        .containsExactly("WRITE 1", "WRITE 4", "READ 1", "READ 4", "TAKEOVER 1", "TAKEOVER 4");
    for (CellResult r : cells) {
      assertThat(r.status()).as(r.cell().label() + ": " + r.firstError()).isEqualTo(CellResult.Status.OK);
      assertThat(r.cell().system()).isEqualTo("ckpt");
      assertThat(r.cell().layout()).isEqualTo(Layout.IN_JVM);
      assertThat(r.cell().size()).isEqualTo(1024);
      assertThat(r.windowSeconds()).isEqualTo(2.0);
      assertThat(r.ops()).as(r.cell().label()).isPositive();
      assertThat(r.bytes()).isEqualTo(r.ops() * 1024);
      CellResult.Latency l = r.latency();
      assertThat(l.p50Ms()).isPositive().isLessThanOrEqualTo(l.p99Ms());
      assertThat(l.p99Ms()).isLessThanOrEqualTo(l.p999Ms());
      assertThat(l.p999Ms()).isLessThanOrEqualTo(l.maxMs()).isLessThan(10_000);
      assertThat(r.resources().nodesInThisJvm()).isTrue();
      assertThat(r.resources().heapBytes()).singleElement().satisfies(h -> assertThat(h).isPositive());
      assertThat(r.resources().rssBytes()).singleElement().satisfies(h -> assertThat(h).isGreaterThan(1L << 20));
      if (r.cell().workload() == Workload.WRITE) {
        assertThat(r.resources().payloadWrittenBytes()).isEqualTo(r.ops() * 1024);
        assertThat(r.resources().diskPerPayload()).isNotNull().isPositive();
      } else {
        assertThat(r.resources().diskPerPayload()).isNull();
      }
    }

    String md = Files.readString(dir.resolve("benchmarks.md"));
    assertThat(md).contains("## write: writes", "## read: linearizable reads", "## takeover: takeovers",
        "| system | layout | size | clients | ops/s | MB/s | p50 ms | p99 ms | p99.9 ms |",
        "| ckpt | jvm | 1 KiB | 1 | ", "| ckpt | jvm | 1 KiB | 4 | ",
        "bin/ckpt bench --systems ckpt --layouts jvm --workloads write,read,takeover --sizes 1k --clients 1,4",
        "Apache Ratis 3.3.0", "3 nodes in this JVM", "Not measured")
        .doesNotContain("## read-stale", "## mixed");
    for (String w : List.of("write", "read", "takeover")) {
      BufferedImage png = ImageIO.read(dir.resolve(w + ".png").toFile());
      assertThat(png).as(w + ".png").isNotNull();
      assertThat(png.getWidth()).isEqualTo(BarChart.WIDTH);
      assertThat(png.getHeight()).isEqualTo(BarChart.HEIGHT);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("benchmarks.md", "write.png", "takeover.png");
    assertThat(err()).contains("[ckpt/jvm write 1 KiB × 4]").doesNotContain("Exception");
    // The target warm-up reports how long it ran (2 s, or on to 6 s while the JIT is busy) and what the compilers used.
    assertThat(err()).contains("[ckpt/jvm] target warm-up (JIT) on mixed 1 KiB × 16, write 1 KiB × 1, write 1 KiB × 4 in"
        + " turn: 2s")
        .containsPattern("\\[ckpt/jvm\\] warmed up for \\d+s; the JIT compilers used at most \\d+ % of a core in each"
            + " cell's last 2s");
    try (var left = Files.list(tmp.resolve("work"))) {
      assertThat(left).as("the cluster's directory is removed").isEmpty();
    }
  }

  /**
   * Two passes of two systems: they take turns, the second pass in the other order, each pass
   * starts each afresh, and every line names its pass.
   */
  @Test
  void passesRunTheSystemsInTurnAndRecordTheirPass() throws Exception {
    Path dir = tmp.resolve("out");
    int code = run("bench", "--systems", "ratis,copy", "--layouts", "jvm", "--workloads", "write", "--sizes", "1k",
        "--clients", "1", "--target-warmup", "0s", "--warmup", "0s", "--duration", "1s", "--passes", "2", "--out",
        dir.toString(), "--work-dir", tmp.resolve("work").toString());
    assertThat(code).as(err()).isZero();

    List<CellResult> cells = new ResultsFile(dir).cells();
    assertThat(cells).extracting(r -> r.cell().system() + " " + r.pass() + " " + r.status())
        .containsExactly("ratis 1 OK", "copy 1 OK", "copy 2 OK", "ratis 2 OK");
    assertThat(cells).extracting(CellResult::run).containsOnly(cells.get(0).run());
    assertThat(err()).contains("2 targets, 2 cells to run (0 skipped over --max-in-flight), each 2 times (--passes)",
        "[pass 1/2] [ratis/jvm] starting 3 nodes", "[pass 2/2] [copy/jvm] ready in ",
        "[pass 2/2] [ratis/jvm write 1 KiB × 1] ");
    assertThat(err().indexOf("[pass 1/2] [copy/jvm] starting"))
        .isLessThan(err().indexOf("[pass 2/2] [copy/jvm] starting"))
        .isGreaterThan(err().indexOf("[pass 1/2] [ratis/jvm] starting"));
    assertThat(err().indexOf("[pass 2/2] [copy/jvm] starting"))
        .isLessThan(err().indexOf("[pass 2/2] [ratis/jvm] starting"));
    assertThat(Files.readString(dir.resolve("benchmarks.md"))).contains("| ratis | jvm | 1 KiB | 1 | ", " (2 passes, ");
    try (var left = Files.list(tmp.resolve("work"))) {
      assertThat(left).as("every pass's cluster directory is removed").isEmpty();
    }
  }

  /**
   * Interleaved: each target (system and layout) starts once for both passes, and each cell runs
   * on every target in turn before the next cell, the systems in the order of the pass.
   */
  @Test
  void interleavedPassesStartEachTargetOnceAndTakeTurnsCellByCell() throws Exception {
    Path dir = tmp.resolve("out");
    int code = run("bench", "--systems", "ratis,copy", "--layouts", "jvm,processes", "--workloads", "write",
        "--sizes", "1k", "--clients", "1,2", "--target-warmup", "0s", "--warmup", "0s", "--duration", "1s",
        "--passes", "2", "--interleave", "--out", dir.toString(), "--work-dir", tmp.resolve("work").toString());
    assertThat(code).as(err()).isZero();

    List<CellResult> cells = new ResultsFile(dir).cells();
    assertThat(cells).extracting(r -> Cell.targetName(r.cell().system(), r.cell().layout()) + " " + r.cell().clients()
            + " " + r.pass() + " " + r.status())
        .containsExactly(
            "ratis/jvm 1 1 OK", "ratis/processes 1 1 OK", "copy/jvm 1 1 OK",
            "ratis/jvm 2 1 OK", "ratis/processes 2 1 OK", "copy/jvm 2 1 OK",
            "copy/jvm 1 2 OK", "ratis/jvm 1 2 OK", "ratis/processes 1 2 OK",
            "copy/jvm 2 2 OK", "ratis/jvm 2 2 OK", "ratis/processes 2 2 OK");
    assertThat(err()).contains("each 2 times (--passes, interleaved: every target started once)",
        "[before the passes] [ratis/jvm] starting 3 nodes", "[before the passes] [copy/jvm] ready in ",
        "[before the passes] [copy/processes] not run: ", "[pass 2/2] [ratis/processes write 1 KiB × 2] ");
    assertThat(err().split("starting 3 nodes", -1)).as("each target started once").hasSize(4);
    assertThat(Files.readString(dir.resolve("benchmarks.md"))).contains("| ratis | jvm | 1 KiB | 2 | ", " (2 passes, ");
    try (var left = Files.list(tmp.resolve("work"))) {
      assertThat(left).as("every cluster directory is removed").isEmpty();
    }
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("bench", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--systems", "--layouts", "--workloads", "--sizes",
        "--clients", "--target-warmup", "--passes", "--interleave", "--warmup", "--duration", "--max-in-flight",
        "--out", "--work-dir", "--report-only",
        "mixed (90% reads, 10% writes)");
    assertThat(err()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--systems|ckpt,mongo|--systems: unknown system 'mongo' (known: ckpt, ckpt-stream, ratis, ratis-stream, etcd, copy)",
      "--layouts|jvm,cloud|--layouts: unknown layout 'cloud' (known: jvm, processes)",
      "--workloads|write,scan|--workloads: unknown workload 'scan' (known: write, read, read-stale, mixed, takeover)",
      "--sizes|1k,64q|--sizes: invalid size \"64q\": unknown unit \"q\"",
      "--sizes|0|--sizes: size must be at least 1 byte",
      "--sizes|-1k|--sizes: invalid size \"-1k\": must not be negative",
      "--sizes|2g|--sizes: size \"2g\" is over 1 GiB",
      "--clients|1,0|--clients: a client count must be 1..1024, not 0",
      "--clients|-4|--clients: a client count must be 1..1024, not -4",
      "--clients|many|--clients: 'many' is not a whole number of clients",
      "--duration|0s|--duration must be at least 1s, not 0ms",
      "--duration|soon|--duration: invalid duration \"soon\"",
      "--warmup|-5s|--warmup: invalid duration \"-5s\": must not be negative",
      "--target-warmup|-1s|--target-warmup: invalid duration \"-1s\": must not be negative",
      "--max-in-flight|0|--max-in-flight: size must be at least 1 byte",
      "--passes|0|--passes must be at least 1, not 0",
      "--passes|-2|--passes must be at least 1, not -2",
      "--passes|x|--passes: 'x' is not a whole number of passes"})
  void badOptionsAreOneClearLineAndExitOne(String option, String value, String message) {
    Path dir = tmp.resolve("never");
    assertThat(run("bench", option, value, "--out", dir.toString())).isEqualTo(1);
    assertThat(err()).contains("ckpt: " + message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(dir).doesNotExist();
  }

  @Test
  void reportOnlyNeedsAResultsFile() {
    assertThat(run("bench", "--report-only")).isEqualTo(1);
    assertThat(err()).contains("--report-only needs --out DIR");
    assertThat(run("bench", "--report-only", "--out", tmp.toString())).isEqualTo(1);
    assertThat(err()).contains("--report-only: no results.jsonl in " + tmp);
  }

  @Test
  void reportOnlyRebuildsTheReportFromResults() throws Exception {
    Files.writeString(tmp.resolve("results.jsonl"), "{\"run\":\"r1\",\"system\":\"ckpt\",\"layout\":\"PROCESSES\","
        + "\"workload\":\"read-stale\",\"size\":65536,\"clients\":16,\"status\":\"ok\",\"window_s\":20,\"ops\":4000,"
        + "\"errors\":0,\"bytes\":262144000,\"p50_ms\":1.5,\"p99_ms\":9,\"p999_ms\":20,\"max_ms\":31,\"mean_ms\":2,"
        + "\"write_ops\":0,\"rss_bytes\":[209715200,209715200,230686720],\"heap_bytes\":[1,2,3]}\n");
    assertThat(run("bench", "--report-only", "--out", tmp.toString())).as(err()).isZero();
    assertThat(Files.readString(tmp.resolve("benchmarks.md")))
        .contains("| ckpt | processes | 64 KiB | 16 | 200 | 13.1 | 1.50 | 9.00 | 20.0 | 0 | 220 | – | – |");
    assertThat(ImageIO.read(tmp.resolve("read-stale.png").toFile()).getWidth()).isEqualTo(BarChart.WIDTH);
  }
}
