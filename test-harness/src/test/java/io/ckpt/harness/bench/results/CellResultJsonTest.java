package io.ckpt.harness.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.harness.bench.systems.Layout;
import org.junit.jupiter.api.Test;

/** The pass of a results line: written, read back, and absent from lines written before passes existed. */
class CellResultJsonTest {
  /** A line as {@code ckpt bench} wrote it before {@code --passes}: no "pass" field. */
  private static final String OLD_LINE = "{\"run\":\"r1\",\"system\":\"etcd\",\"layout\":\"PROCESSES\","
      + "\"workload\":\"write\",\"size\":1024,\"clients\":64,\"status\":\"ok\",\"target\":\"etcd 3.4.23\","
      + "\"window_s\":20,\"ops\":114040,\"errors\":0,\"bytes\":116776960,\"ops_per_s\":5702,\"mb_per_s\":5.84,"
      + "\"p50_ms\":10.1,\"p99_ms\":29.2,\"p999_ms\":41,\"max_ms\":60,\"mean_ms\":11,\"write_ops\":114040}";

  @Test
  void aLineWithoutAPassIsPassOne() {
    CellResult r = CellResult.fromJson(OLD_LINE);
    assertThat(r.pass()).isEqualTo(1);
    assertThat(r.run()).isEqualTo("r1");
    assertThat(r.cell()).isEqualTo(new Cell("etcd", Layout.PROCESSES, Workload.WRITE, 1024, 64));
    assertThat(r.opsPerSecond()).isEqualTo(5702.0);
    assertThat(r.latency().p99Ms()).isEqualTo(29.2);
  }

  @Test
  void thePassIsWrittenAndReadBack() {
    CellResult r = CellResult.failed(new Cell("ckpt", Layout.IN_JVM, Workload.READ, 65536, 16), "r2", 3, null,
        "the target did not start: port in use");
    String json = r.toJson();
    assertThat(json).startsWith("{\"run\":\"r2\",\"pass\":3,\"system\":\"ckpt\",");
    assertThat(CellResult.fromJson(json)).isEqualTo(r);
  }

  @Test
  void aPassBelowOneOrNotAWholeNumberIsRefused() {
    assertThatThrownBy(() -> CellResult.fromJson(OLD_LINE.replace("\"run\":\"r1\",", "\"run\":\"r1\",\"pass\":0,")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field 'pass' is not a whole number of at least 1: 0");
    assertThatThrownBy(() -> CellResult.fromJson(OLD_LINE.replace("\"run\":\"r1\",", "\"run\":\"r1\",\"pass\":\"2\",")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field 'pass' is not a whole number of at least 1: 2");
  }
}
