package io.ckpt.harness.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.CellResult;
import io.ckpt.harness.bench.results.ResultsFile;
import io.ckpt.harness.bench.systems.Layout;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a hand-made results directory: tables, skips and failures, ratios, passes, charts. */
class MarkdownReportTest {
  private static final String RUNS = """
      {"run":"r1","started":"2026-11-20T10:00:00Z","command":"bin/ckpt bench --systems ckpt","ckpt":"aaa","ratis":"3.3.0","jdk":"OpenJDK 17","os":"Linux 6","cpus":2,"cpu_model":"","memory_bytes":25769803776,"load_average":"0.1 0.2 0.3","bench_heap_bytes":2147483648,"work_dir":"/data","work_dir_fs":"ext4","work_device":"vda"}
      {"run":"r2","started":"2026-11-21T10:00:00Z","command":"bin/ckpt bench --clients 1,64","ckpt":"bbb","ratis":"3.3.0","jdk":"OpenJDK 17","os":"Linux 6","cpus":8,"cpu_model":"Xeon","memory_bytes":25769803776,"load_average":"0.5 0.4 0.3","bench_heap_bytes":2147483648,"work_dir":"/tmp","work_dir_fs":"tmpfs","work_device":""}
      """;

  /** ckpt 1 KiB × 64 writes measured twice (r2 replaces r1), etcd and ratis baselines, a skip, a failure, errors. */
  private static final String RESULTS = """
      {"run":"r1","system":"ckpt","layout":"IN_JVM","workload":"write","size":1024,"clients":64,"status":"ok","target":"ckpt aaa","window_s":20,"ops":2000,"errors":0,"bytes":2048000,"p50_ms":90,"p99_ms":400,"p999_ms":500,"max_ms":600,"mean_ms":100,"write_ops":2000,"nodes_in_this_jvm":true,"heap_bytes":[104857600],"rss_bytes":[524288000],"disk_write_bytes":40960000,"payload_written_bytes":2048000,"jvm_cpu_pct":90,"machine_cpu_pct":99,"gc_ms":100}
      {"run":"r2","system":"ckpt","layout":"IN_JVM","workload":"write","size":1024,"clients":64,"status":"ok","target":"ckpt bbb, 3 nodes in this JVM","window_s":20,"ops":10000,"errors":0,"bytes":10240000,"p50_ms":20,"p99_ms":40,"p999_ms":60,"max_ms":70,"mean_ms":22,"write_ops":10000,"nodes_in_this_jvm":true,"heap_bytes":[104857600],"rss_bytes":[524288000],"disk_write_bytes":40960000,"device_write_bytes":30720000,"payload_written_bytes":10240000,"jvm_cpu_pct":90,"machine_cpu_pct":99,"gc_ms":100}
      {"run":"r2","system":"ckpt","layout":"PROCESSES","workload":"write","size":1024,"clients":64,"status":"ok","target":"ckpt bbb, 3 processes","window_s":20,"ops":6000,"errors":0,"bytes":6144000,"p50_ms":30,"p99_ms":80,"p999_ms":90,"max_ms":95,"mean_ms":33,"write_ops":6000,"nodes_in_this_jvm":false,"heap_bytes":[52428800,62914560,41943040],"rss_bytes":[314572800,335544320,293601280],"disk_write_bytes":61440000,"payload_written_bytes":6144000,"jvm_cpu_pct":20,"machine_cpu_pct":99,"gc_ms":5}
      {"run":"r2","system":"etcd","layout":"PROCESSES","workload":"write","size":1024,"clients":64,"status":"ok","target":"etcd 3.4.23, 3 processes","window_s":20,"ops":40000,"errors":0,"bytes":40960000,"p50_ms":8,"p99_ms":20,"p999_ms":30,"max_ms":35,"mean_ms":9,"write_ops":40000,"nodes_in_this_jvm":false,"heap_bytes":[null,null,null],"rss_bytes":[104857600,104857600,104857600],"disk_write_bytes":122880000,"payload_written_bytes":40960000,"jvm_cpu_pct":30,"machine_cpu_pct":99,"gc_ms":5}
      {"run":"r2","system":"ckpt","layout":"IN_JVM","workload":"write","size":1024,"clients":1,"status":"ok","target":"ckpt bbb, 3 nodes in this JVM","window_s":20,"ops":3000,"errors":0,"bytes":3072000,"p50_ms":6,"p99_ms":12,"p999_ms":15,"max_ms":16,"mean_ms":6.5,"write_ops":3000,"nodes_in_this_jvm":true,"heap_bytes":[104857600],"rss_bytes":[524288000],"disk_write_bytes":30720000,"payload_written_bytes":3072000,"jvm_cpu_pct":60,"machine_cpu_pct":80,"gc_ms":50}
      {"run":"r2","system":"ratis","layout":"IN_JVM","workload":"write","size":1024,"clients":1,"status":"ok","target":"bare Ratis 3.3.0, 3 nodes in this JVM","window_s":20,"ops":4000,"errors":0,"bytes":4096000,"p50_ms":4,"p99_ms":8,"p999_ms":9,"max_ms":10,"mean_ms":4.5,"write_ops":4000,"nodes_in_this_jvm":true,"heap_bytes":[83886080],"rss_bytes":[419430400],"disk_write_bytes":20480000,"payload_written_bytes":4096000,"jvm_cpu_pct":55,"machine_cpu_pct":75,"gc_ms":40}
      {"run":"r2","system":"etcd","layout":"PROCESSES","workload":"write","size":67108864,"clients":1,"status":"skipped","reason":"a 64 MiB value exceeds etcd's limit of 1.5 MiB","target":"etcd 3.4.23, 3 processes","window_s":0,"ops":0,"errors":0,"bytes":0,"write_ops":0}
      {"run":"r2","system":"ratis","layout":"IN_JVM","workload":"read","size":1024,"clients":1,"status":"skipped","reason":"ratis does not support read linearizable","target":"bare Ratis 3.3.0, 3 nodes in this JVM","window_s":0,"ops":0,"errors":0,"bytes":0,"write_ops":0}
      {"run":"r2","system":"ckpt","layout":"PROCESSES","workload":"mixed","size":1048576,"clients":16,"status":"errors","target":"ckpt bbb, 3 processes","window_s":20,"ops":400,"errors":3,"first_error":"UnavailableException: timed out","bytes":419430400,"p50_ms":300,"p99_ms":900,"p999_ms":1000,"max_ms":1100,"mean_ms":350,"write_ops":40,"write_p50_ms":500,"write_p99_ms":1200,"write_p999_ms":1300,"write_max_ms":1300,"write_mean_ms":600,"nodes_in_this_jvm":false,"heap_bytes":[1,2,3],"rss_bytes":[4,5,6],"disk_write_bytes":null,"payload_written_bytes":41943040,"jvm_cpu_pct":20,"machine_cpu_pct":99,"gc_ms":5}
      {"run":"r2","system":"etcd","layout":"PROCESSES","workload":"takeover","size":1024,"clients":1,"status":"failed","reason":"the target did not start: etcd: not found","window_s":0,"ops":0,"errors":0,"bytes":0,"write_ops":0}
      """;

  @TempDir Path dir;

  @Test
  void tablesSkipsFailuresRatiosAndCharts() throws Exception {
    Files.writeString(dir.resolve(ResultsFile.RUNS), RUNS);
    Files.writeString(dir.resolve(ResultsFile.RESULTS), RESULTS);

    List<Path> written = ReportWriter.write(new ResultsFile(dir));

    assertThat(written).extracting(p -> p.getFileName().toString())
        .containsExactly("benchmarks.md", "write.png", "read.png", "mixed.png", "takeover.png");
    String md = Files.readString(dir.resolve("benchmarks.md"));
    assertThat(md).contains(
        // r2 measured ckpt jvm 1 KiB × 64 again: only its figures and its run remain
        "### Run r2", "bin/ckpt bench --clients 1,64", "8 CPUs (Xeon)",
        "**tmpfs: fsync costs nothing there",
        "| ckpt | jvm | 1 KiB | 64 | 500 | 0.51 | 20.0 | 40.0 | 60.0 | 100 | 500 | 4.00 | 3.00 | 90 / 99 |  |",
        // etcd has no heap, one RSS per node
        "| etcd | processes | 1 KiB | 64 | 2,000 | 2.05 | 8.00 | 20.0 | 30.0 | – | 100 | 3.00 | – | 30 / 99 |  |",
        // ratios: ckpt ÷ etcd for both ckpt layouts, ckpt ÷ bare Ratis for the small write both measured
        "| jvm | processes | 1 KiB | 64 | 500 | 2,000 | **0.25×** | 40.0 | 20.0 | **2.00×** | no |\n",
        "| processes | processes | 1 KiB | 64 | 300 | 2,000 | **0.15×** | 80.0 | 20.0 | **4.00×** | no |\n",
        "| jvm | jvm | 1 KiB | 1 | 150 | 200 | **0.75×** | 12.0 | 8.00 | **1.50×** | no |\n",
        "| etcd | processes | 64 MiB | 1 | | | | | | | | | | | skipped: a 64 MiB value exceeds etcd's limit of 1.5 MiB |",
        "| ratis | jvm | 1 KiB | 1 | | | | | | | | | | | skipped: ratis does not support read linearizable |",
        "| etcd | processes | 1 KiB | 1 | | | | | | | | | | | **failed**: the target did not start: etcd: not found |",
        "**3 errors** of 403 calls (first: UnavailableException: timed out); writes: 40 of 400 ops in the window, p99 1,200 ms",
        "| etcd | processes | etcd 3.4.23, 3 processes |")
        .doesNotContain("### Run r1", "| 100 | 0.10 |", "## read-stale", "passes", "pairs");
    assertThat(md.indexOf("## write")).isLessThan(md.indexOf("## read:")).isLessThan(md.indexOf("## mixed"));

    for (String chart : List.of("write", "read", "mixed", "takeover")) {
      BufferedImage png = ImageIO.read(dir.resolve(chart + ".png").toFile());
      assertThat(png.getWidth()).isEqualTo(BarChart.WIDTH);
      assertThat(png.getHeight()).isEqualTo(BarChart.HEIGHT);
    }
  }

  /**
   * Run r3 measured ckpt and etcd 1 KiB × 64 in 3 passes (etcd's second did not start) and
   * replaces r1's single result of ckpt; ckpt 1 KiB × 1 was measured by r1 alone (a line from
   * before passes existed) and keeps its single-pass row.
   */
  @Test
  void severalPassesGiveMediansRangesAndPairedRatios() throws Exception {
    Cell ckpt = Passes.write("ckpt", Layout.PROCESSES, 64);
    Cell etcd = Passes.write("etcd", Layout.PROCESSES, 64);
    String r1 = """
        {"run":"r1","system":"ckpt","layout":"PROCESSES","workload":"write","size":1024,"clients":64,"status":"ok","window_s":20,"ops":2000,"errors":0,"bytes":2048000,"p50_ms":90,"p99_ms":400,"p999_ms":500,"max_ms":600,"mean_ms":100,"write_ops":2000}
        {"run":"r1","system":"ckpt","layout":"PROCESSES","workload":"write","size":1024,"clients":1,"status":"ok","window_s":20,"ops":4400,"errors":0,"bytes":4505600,"p50_ms":3.72,"p99_ms":15.2,"p999_ms":24.1,"max_ms":30,"mean_ms":4,"write_ops":4400}
        """;
    List<CellResult> r3 = List.of(
        Passes.ok(ckpt, 1, 8412, 10, 50, 60), Passes.ok(etcd, 1, 5000, 5, 20, 30),
        Passes.ok(ckpt, 2, 4005, 14.5, 30, 90), Passes.failed(etcd, 2),
        Passes.ok(ckpt, 3, 5861, 20, 38.8, 77.9), Passes.ok(etcd, 3, 4000, 6, 38.8, 50));
    Files.writeString(dir.resolve(ResultsFile.RESULTS),
        r1 + r3.stream().map(r -> r.toJson() + "\n").collect(Collectors.joining()));

    ReportWriter.write(new ResultsFile(dir));

    String md = Files.readString(dir.resolve("benchmarks.md"));
    assertThat(md).contains(
        "from `results.jsonl` (3 cells, up to 3 passes each)",
        "- **passes**: with `--passes N` every system ran N times",
        "| ckpt | processes | 1 KiB | 1 | 220 | 0.23 | 3.72 | 15.2 | 24.1 | – | – | – | – | – |  |\n",
        "| ckpt | processes | 1 KiB | 64 | 5,861 (3 passes, 4,005–8,412) | 6.00 | 14.5 | 38.8 | 77.9 | – | – | – | – | – |  |\n",
        "| etcd | processes | 1 KiB | 64 | 4,500 (2 of 3 passes, 4,000–5,000) | 4.61 | 5.50 | 29.4 | 40.0 | – | – | – | – | – "
            + "| pass 2: **failed**: the target did not start: etcd: not found |\n",
        // pass 1: 8,412 / 5,000 = 1.68, p99 50 / 20 = 2.5; pass 3: 5,861 / 4,000 = 1.47, p99 38.8 / 38.8 = 1
        "| processes | processes | 1 KiB | 64 | 5,861 | 4,500 | **1.57×** (2 pairs, 1.47–1.68) | 38.8 | 29.4 "
            + "| **1.75×** (2 pairs, 1.00–2.50) | no |\n")
        .doesNotContain("| 100 | 0.10 |");
  }

  @Test
  void withoutBaselinesTheRatiosSayWhatIsMissing() throws Exception {
    Files.writeString(dir.resolve(ResultsFile.RESULTS), RESULTS.lines().filter(l -> l.contains("\"ckpt\""))
        .reduce("", (a, b) -> a + b + "\n"));
    ReportWriter.write(new ResultsFile(dir));
    assertThat(Files.readString(dir.resolve("benchmarks.md")))
        .contains("Not measured: this needs `write` 1 KiB × 64 cells of both ckpt and etcd.",
            "Not measured: this needs small `write` cells of both ckpt and ratis.",
            "No run information (`runs.jsonl`) was found");
  }

  @Test
  void niceCeilingsForTheAxes() {
    assertThat(BarChart.niceCeiling(0)).isEqualTo(1);
    assertThat(BarChart.niceCeiling(7)).isEqualTo(10);
    assertThat(BarChart.niceCeiling(420)).isEqualTo(500);
    assertThat(BarChart.niceCeiling(2344)).isEqualTo(2500);
    assertThat(BarChart.niceCeiling(0.31)).isEqualTo(0.5);
  }
}
